// Package ical reads and writes iCalendar (RFC 5545) for Relais: importing
// .ics files (events as appointments, to-dos as tasks) item by item with
// line-numbered reports, exporting with a VTIMEZONE for every zone used,
// iTIP invitations (RFC 5546 REQUEST and CANCEL) queued for the mail system,
// and read-only subscriptions to published calendars.
//
// Parsing and writing of content lines is github.com/emersion/go-ical's;
// this package adds what go-ical leaves out: per-item error recovery, time
// zone resolution (Windows names, vendor prefixes, VTIMEZONE matching),
// VTIMEZONE generation from Go's tz database, and line folding.
package ical
