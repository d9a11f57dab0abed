package caldav

import (
	"reflect"
	"sort"
	"time"

	"relais/model"
)

// mergeFields are the appointment fields a calendar resource carries; the
// store-managed ones (id, timestamps) and the calendar name are not merged.
func mergeFields(a *model.Appointment) model.FieldMap {
	m, _ := model.Encode(a)
	delete(m, "calendar")
	return m
}

// merge3 merges the local and remote versions of a series (rows keyed by
// RECURRENCE-ID) against base, the copy both sides last agreed on, field by
// field: a field changed on one side takes that side's value; changed on
// both to different values, it is a conflict and the remote value is used.
// It returns the merged rows and the conflicting fields ("title", "start_at"…).
func merge3(base, local, remote []*model.Appointment) ([]*model.Appointment, []string) {
	key := func(rows []*model.Appointment) map[string]*model.Appointment {
		m := map[string]*model.Appointment{}
		for _, a := range rows {
			m[ridOf(a)] = a
		}
		return m
	}
	b, l, r := key(base), key(local), key(remote)
	keys := map[string]bool{}
	for k := range l {
		keys[k] = true
	}
	for k := range r {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []*model.Appointment
	conflictSet := map[string]bool{}
	for _, k := range sorted {
		lv, rv, bv := l[k], r[k], b[k]
		switch {
		case lv != nil && rv != nil:
			out = append(out, mergeOne(bv, lv, rv, conflictSet))
		case lv != nil: // only here: added here, or deleted there
			if bv == nil || !reflect.DeepEqual(mergeFields(bv), mergeFields(lv)) {
				out = append(out, lv)
			}
		case rv != nil: // only there: added there, or deleted here
			if bv == nil || !reflect.DeepEqual(mergeFields(bv), mergeFields(rv)) {
				out = append(out, rv)
			}
		}
	}
	var conflicts []string
	for f := range conflictSet {
		conflicts = append(conflicts, f)
	}
	sort.Strings(conflicts)
	return out, conflicts
}

func mergeOne(base, local, remote *model.Appointment, conflicts map[string]bool) *model.Appointment {
	lm, rm := mergeFields(local), mergeFields(remote)
	var bm model.FieldMap
	if base != nil {
		bm = mergeFields(base)
	}
	out := model.FieldMap{}
	for f, lv := range lm {
		rv := rm[f]
		switch {
		case f == "sequence":
			out[f] = max(lv.(int64), rv.(int64))
		case reflect.DeepEqual(lv, rv):
			out[f] = lv
		case bm != nil && reflect.DeepEqual(lv, bm[f]):
			out[f] = rv
		case bm != nil && reflect.DeepEqual(rv, bm[f]):
			out[f] = lv
		default:
			out[f] = rv
			conflicts[f] = true
		}
	}
	m := &model.Appointment{}
	model.Decode(m, out) // values come from Encode: always decodable
	m.Meta = local.Meta
	return m
}

// copyFields copies what a resource carries from src onto dst, keeping
// dst's identity, calendar and links to Relais records.
func copyFields(dst, src *model.Appointment) {
	meta, cal := dst.Meta, dst.Calendar
	links := [5]string{dst.OwnerID, dst.ContactID, dst.AccountID, dst.DealID, dst.EventID}
	*dst = *src
	dst.Meta, dst.Calendar = meta, cal
	for i, p := range []*string{&dst.OwnerID, &dst.ContactID, &dst.AccountID, &dst.DealID, &dst.EventID} {
		if *p == "" {
			*p = links[i]
		}
	}
	dst.DeletedAt = time.Time{}
}
