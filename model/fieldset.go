package model

// FieldType is how a synced field is written and parsed by generic editors
// (the command line's `relais contact set`), which must know a date from a
// number without a form built for each kind.
type FieldType string

// The field types; see FieldInfo.
const (
	FieldText FieldType = "text" // a string
	FieldInt  FieldType = "int"  // a whole number (money in minor units, percents, basis points)
	FieldBool FieldType = "bool" // yes or no
	FieldTime FieldType = "time" // an instant (stored as RFC 3339 UTC)
	FieldDate FieldType = "date" // a calendar date YYYY-MM-DD
	FieldList FieldType = "list" // a list of strings (stored as a JSON array)
)

// FieldInfo describes one synced field of a kind.
type FieldInfo struct {
	Name   string    // the stored (db) name, as in FieldMap and outbox rows
	Type   FieldType //
	Ref    Kind      // the kind it points to, "" when it is not a reference
	Unique bool      // no two live records may share a non-empty value
}

// FieldInfos describes the synced fields of kind k in column order (the
// fields Fields lists), or nil for an unknown kind.
func FieldInfos(k Kind) []FieldInfo {
	ki, ok := kindByName[k]
	if !ok {
		return nil
	}
	var out []FieldInfo
	for _, c := range ki.cols {
		if storeManaged(c.name) {
			continue
		}
		fi := FieldInfo{Name: c.name, Ref: c.ref, Unique: c.unique}
		switch c.typ {
		case colString:
			fi.Type = FieldText
		case colInt:
			fi.Type = FieldInt
		case colBool:
			fi.Type = FieldBool
		case colTime:
			fi.Type = FieldTime
		case colDate:
			fi.Type = FieldDate
		case colStrings:
			fi.Type = FieldList
		}
		out = append(out, fi)
	}
	return out
}
