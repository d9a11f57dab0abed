package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// Querier is what List and Count read through: Store.DB() or Tx.SQL().
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Query selects records of one kind. Where and OrderBy are SQL fragments
// over the kind's column names, written by the caller (never by the user);
// values always go through Args.
type Query struct {
	Where       string
	Args        []any
	OrderBy     string
	Limit       int
	Offset      int
	WithDeleted bool // include tombstones (the trash)
}

func (q Query) sql(ki *kindInfo, sel string) string {
	s := `SELECT ` + sel + ` FROM ` + ki.table
	where := q.Where
	if !q.WithDeleted {
		if where != "" {
			where = "(" + where + ") AND "
		}
		where += "deleted_at IS NULL"
	}
	if where != "" {
		s += " WHERE " + where
	}
	if q.OrderBy != "" && sel != "COUNT(*)" {
		s += " ORDER BY " + q.OrderBy
	}
	if q.Limit > 0 {
		s += " LIMIT " + strconv.Itoa(q.Limit)
		if q.Offset > 0 {
			s += " OFFSET " + strconv.Itoa(q.Offset)
		}
	}
	return s
}

// List returns the records of P's kind that match q.
func List[T any, P interface {
	*T
	Record
}](ctx context.Context, db Querier, q Query) ([]P, error) {
	ki, ok := kindByType[reflect.TypeOf((*T)(nil)).Elem()]
	if !ok {
		return nil, fmt.Errorf("model: %T is not a record type", (*T)(nil))
	}
	rows, err := db.QueryContext(ctx, q.sql(ki, ki.colList), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("model: list %s: %w", ki.kind, err)
	}
	defer rows.Close()
	var out []P
	raw := make([]any, len(ki.cols))
	ptrs := make([]any, len(ki.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("model: list %s: %w", ki.kind, err)
		}
		p := P(new(T))
		if err := decodeRow(ki, p, raw); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("model: list %s: %w", ki.kind, err)
	}
	return out, nil
}

// Count returns how many records of kind k match q (Limit and Offset ignored).
func Count(ctx context.Context, db Querier, k Kind, q Query) (int, error) {
	ki, err := info(k)
	if err != nil {
		return 0, err
	}
	q.Limit, q.Offset = 0, 0
	var n int
	if err := db.QueryRowContext(ctx, q.sql(ki, "COUNT(*)"), q.Args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("model: count %s: %w", ki.kind, err)
	}
	return n, nil
}

func scanOne(ki *kindInfo, row *sql.Row, id string, r Record) error {
	raw := make([]any, len(ki.cols))
	ptrs := make([]any, len(ki.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("model: %s %s: %w", ki.kind, id, ErrNotFound)
		}
		return fmt.Errorf("model: get %s %s: %w", ki.kind, id, err)
	}
	return decodeRow(ki, r, raw)
}

func decodeRow(ki *kindInfo, r Record, raw []any) error {
	v := reflect.ValueOf(r).Elem()
	for i := range ki.cols {
		if err := decodeField(v, &ki.cols[i], raw[i]); err != nil {
			return fmt.Errorf("model: read %s: %w", ki.kind, err)
		}
	}
	return nil
}
