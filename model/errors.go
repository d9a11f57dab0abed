package model

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors returned (wrapped) by the store. Callers test them with errors.Is.
var (
	// ErrNotFound means no live or tombstoned record has the requested id.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change collides with existing data (a duplicate
	// unique value, or a reference to a record that does not exist).
	ErrConflict = errors.New("conflict")
	// ErrTooNew means the database was written by a newer Relais.
	ErrTooNew = errors.New("database written by a newer version of Relais")
)

// Validation error codes. The UI translates them; Msg is the English fallback.
const (
	CodeRequired  = "required"
	CodeInvalid   = "invalid"
	CodeTooLong   = "too_long"
	CodeRange     = "out_of_range"
	CodeOrder     = "order"
	CodeDuplicate = "duplicate"
)

// ValidationError names the field that is wrong and says why.
type ValidationError struct {
	Field string // the db column name, e.g. "last_name"
	Code  string // one of the Code* constants
	Msg   string // an English sentence for logs and the CLI
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Msg }

// ValidationErrors is every problem found in one record, in field order.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid record: " + strings.Join(parts, "; ")
}

// Is makes a duplicate value match ErrConflict as well, so callers that only
// care whether the record collides can test errors.Is(err, ErrConflict).
func (es ValidationErrors) Is(target error) bool {
	if target != ErrConflict {
		return false
	}
	for _, e := range es {
		if e.Code == CodeDuplicate {
			return true
		}
	}
	return false
}

// For returns the first error about field, or nil.
func (es ValidationErrors) For(field string) *ValidationError {
	for _, e := range es {
		if e.Field == field {
			return e
		}
	}
	return nil
}

// AsValidation extracts the validation errors from err, if it carries any.
func AsValidation(err error) (ValidationErrors, bool) {
	var es ValidationErrors
	if errors.As(err, &es) {
		return es, true
	}
	var e *ValidationError
	if errors.As(err, &e) {
		return ValidationErrors{e}, true
	}
	return nil, false
}

// checker accumulates validation errors; Validate methods use it so that a
// form can show every problem at once rather than one per save attempt.
type checker struct{ errs ValidationErrors }

func (c *checker) add(field, code, format string, args ...any) {
	c.errs = append(c.errs, &ValidationError{Field: field, Code: code, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}
