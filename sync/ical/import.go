package ical

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"relais/model"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// Calendar receives the imported appointments. Empty: the calendar named
	// in the file by Relais (X-RELAIS-CALENDAR) or by the exporting app
	// (X-WR-CALNAME), else the default calendar "".
	Calendar string
	// Zone reads floating times (neither TZID nor UTC); default time.Local.
	Zone *time.Location
	// Prune, for feeds: appointments of Calendar whose UID the file no longer
	// holds are moved to the trash. Refused when the file holds no event at
	// all (a broken feed must not empty the calendar).
	Prune bool
	// Exact, for CalDAV: the file is the whole truth about its UIDs. SEQUENCE
	// is not compared, trashed appointments come back, and rows of those
	// UIDs in Calendar that the file lacks (dropped overrides) are trashed.
	Exact bool
	// EventsOnly skips VTODOs (CalDAV syncs events only).
	EventsOnly bool
}

// Import actions.
const (
	Imported  = "imported"
	Updated   = "updated"
	Unchanged = "unchanged"
	Skipped   = "skipped"
	Removed   = "removed"
)

// ItemResult says what happened to one item of the file.
type ItemResult struct {
	Line      int
	Component string // VEVENT, VTODO …
	UID       string
	Summary   string
	Action    string // Imported, Updated, Unchanged, Skipped, Removed
	Reason    string // why it was skipped, with its line; values in it are quoted to 80 characters at most
	Notes     []string
	// Refused marks a Skipped item that could not be read or was refused
	// (a broken value, a rule beyond Relais's limits), as opposed to one
	// skipped by design (an older version of the same event, a VJOURNAL).
	// Nothing of a refused item is written.
	Refused bool
}

// Report is the outcome of an import, item by item.
type Report struct {
	Items    []ItemResult
	Warnings []string // lines ignored outside any item
	Calendar string   // the calendar name the file gave (X-WR-CALNAME)
}

// Refused returns how many items were refused (see ItemResult.Refused).
func (r *Report) Refused() int {
	n := 0
	for _, it := range r.Items {
		if it.Refused {
			n++
		}
	}
	return n
}

// Count returns how many items had the action.
func (r *Report) Count(action string) int {
	n := 0
	for _, it := range r.Items {
		if it.Action == action {
			n++
		}
	}
	return n
}

// Import reads an iCalendar file into the store: VEVENTs become appointments
// and VTODOs tasks. Items are matched by UID (and RECURRENCE-ID), so
// importing the same file again changes nothing. An item that cannot be read
// is skipped and reported with its line and the reason; the others are
// imported. Everything is written in one transaction, each item inside its
// own savepoint, so no item is ever half-written. The error is for the file
// as a whole (unreadable, disk full): then nothing is written.
func Import(ctx context.Context, s *model.Store, r io.Reader, opts ImportOptions) (*Report, error) {
	// The file is read as a stream, before the write transaction opens:
	// its text is never held whole, and the database is not locked while a
	// large file is read.
	lim := &io.LimitedReader{R: r, N: maxFileSize + 1}
	doc, err := splitReader(lim)
	if err != nil {
		return nil, err
	}
	if lim.N <= 0 {
		return nil, fmt.Errorf("ical: the file is larger than %d MB", maxFileSize>>20)
	}
	rep := &Report{}
	err = s.Write(ctx, func(tx *model.Tx) error {
		var err error
		rep, err = importDoc(tx, doc, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// maxFileSize bounds what Import reads; what it keeps of a file is bounded
// by it too (see maxLineBytes, maxItemBytes and maxItems).
const maxFileSize = 256 << 20

// ImportTx is Import inside the caller's transaction (CalDAV and feeds add
// their own bookkeeping to the same transaction).
func ImportTx(tx *model.Tx, data []byte, opts ImportOptions) (*Report, error) {
	doc, err := split(data)
	if err != nil {
		return nil, err
	}
	return importDoc(tx, doc, opts)
}

func importDoc(tx *model.Tx, doc *document, opts ImportOptions) (*Report, error) {
	if !doc.calendar && len(doc.items) == 0 && len(doc.warnings) > 0 {
		// Text but no calendar at all: a web page served instead of a feed,
		// or a file with the wrong extension. Saying "0 imported" would hide it.
		return nil, errors.New("ical: this is not an iCalendar file: it has no BEGIN:VCALENDAR line")
	}
	rep := &Report{Warnings: doc.warnings, Calendar: doc.calName}
	im, err := newImporter(tx, doc, opts)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	events := 0
	winners := latestVersions(doc)
	for _, it := range doc.items {
		if it.name == goical.CompTimezone {
			continue
		}
		res := ItemResult{Line: it.line, Component: it.name}
		res.Summary = it.summary
		if it.err == nil {
			res.Summary = clip(text(it.comp, goical.PropSummary), 80, true)
		}
		switch {
		case it.err != nil:
			res.Action, res.Reason, res.Refused = Skipped, it.err.Error(), true
		case (it.name == goical.CompEvent || it.name == goical.CompToDo) && winners[versionKey(it)] != it:
			res.UID = uidOf(it)
			seen[res.UID] = true
			res.Action, res.Reason = Skipped, fmt.Sprintf("line %d: an item at line %d has the same UID and a newer or equal SEQUENCE", it.line, winners[versionKey(it)].line)
		case it.name == goical.CompEvent:
			events++
			res.UID = uidOf(it)
			seen[res.UID] = true
			im.savepoint(&res, func() (string, []string, error) { return im.event(it) })
		case it.name == goical.CompToDo && opts.EventsOnly:
			res.Action, res.Reason = Skipped, fmt.Sprintf("line %d: to-dos are not synced", it.line)
		case it.name == goical.CompToDo:
			res.UID = uidOf(it)
			im.savepoint(&res, func() (string, []string, error) { return im.todo(it) })
		default:
			res.Action, res.Reason = Skipped, fmt.Sprintf("line %d: %s is not imported (only events and to-dos are)", it.line, it.name)
		}
		res.Reason = short(res.Reason)
		for i, n := range res.Notes {
			res.Notes[i] = short(n)
		}
		rep.Items = append(rep.Items, res)
	}
	for i, w := range rep.Warnings {
		rep.Warnings[i] = short(w)
	}
	if opts.Exact {
		if err := im.dropUntouched(); err != nil {
			return nil, err
		}
	}
	if opts.Prune && opts.Calendar != "" && events > 0 {
		removed, err := im.prune(seen)
		if err != nil {
			return nil, err
		}
		rep.Items = append(rep.Items, removed...)
	}
	return rep, nil
}

type importer struct {
	tx       *model.Tx
	sqlTx    *sql.Tx
	opts     ImportOptions
	calendar string
	rd       *reader
	appts    map[string]string          // uid + "|" + recurrence-id -> appointment id
	tasks    map[string]string          // uid -> task id
	exists   map[string]bool            // kind:id of referenced records
	touched  map[string]map[string]bool // uid -> ids written by this import (Exact)
}

func newImporter(tx *model.Tx, doc *document, opts ImportOptions) (*importer, error) {
	zone := opts.Zone
	if zone == nil {
		zone = time.Local
	}
	if doc.calZone != "" {
		if l, ok := ianaZone(doc.calZone); ok {
			zone = l // Google writes floating times meant in X-WR-TIMEZONE
		}
	}
	zr := newZoneResolver()
	for _, it := range doc.items {
		if it.name == goical.CompTimezone && it.comp != nil {
			zr.addDefinition(it.comp)
		}
	}
	im := &importer{tx: tx, sqlTx: tx.SQL(), opts: opts, calendar: opts.Calendar,
		rd:    &reader{zones: zr, floating: zone, dir: NewDirectory(tx.Context(), tx.SQL())},
		appts: map[string]string{}, tasks: map[string]string{}, exists: map[string]bool{}, touched: map[string]map[string]bool{}}
	if im.calendar == "" {
		im.calendar = doc.calName
	}
	ctx := tx.Context()
	rows, err := im.sqlTx.QueryContext(ctx, `SELECT id, uid, COALESCE(recurrence_id, '') FROM appointments WHERE uid != ''`)
	if err != nil {
		return nil, fmt.Errorf("ical: read appointments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, uid, rid string
		if err := rows.Scan(&id, &uid, &rid); err != nil {
			return nil, fmt.Errorf("ical: read appointments: %w", err)
		}
		im.appts[uid+"|"+normRID(rid)] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ical: read appointments: %w", err)
	}
	trows, err := im.sqlTx.QueryContext(ctx, `SELECT id, uid FROM tasks WHERE uid != ''`)
	if err != nil {
		return nil, fmt.Errorf("ical: read tasks: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var id, uid string
		if err := trows.Scan(&id, &uid); err != nil {
			return nil, fmt.Errorf("ical: read tasks: %w", err)
		}
		im.tasks[uid] = id
	}
	return im, trows.Err()
}

// normRID makes stored and computed recurrence ids comparable.
func normRID(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return model.FormatTime(t)
}

func ridKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return model.FormatTime(t)
}

// savepoint runs one item's writes so that a failure undoes that item only.
func (im *importer) savepoint(res *ItemResult, fn func() (string, []string, error)) {
	ctx := im.tx.Context()
	if _, err := im.sqlTx.ExecContext(ctx, `SAVEPOINT ical_item`); err != nil {
		res.Action, res.Reason, res.Refused = Skipped, fmt.Sprintf("line %d: %v", res.Line, err), true
		return
	}
	action, notes, err := fn()
	if err != nil {
		im.sqlTx.ExecContext(ctx, `ROLLBACK TO ical_item`)
		res.Action, res.Reason, res.Refused = Skipped, explain(res.Line, err), true
	} else {
		res.Action, res.Notes = action, notes
	}
	im.sqlTx.ExecContext(ctx, `RELEASE ical_item`)
}

// explain turns a model error into a reason that names the line.
func explain(line int, err error) string {
	msg := strings.TrimPrefix(err.Error(), "model: ")
	if ves, ok := model.AsValidation(err); ok {
		parts := make([]string, len(ves))
		for i, v := range ves {
			parts[i] = v.Field + " " + v.Msg
		}
		msg = strings.Join(parts, "; ")
	}
	if !strings.HasPrefix(msg, "line ") {
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	return msg
}

// exists reports whether the referenced record is here, so that links from
// another database are dropped rather than refusing the whole appointment.
func (im *importer) refExists(kind model.Kind, id string) bool {
	if id == "" {
		return true
	}
	key := string(kind) + ":" + id
	if ok, known := im.exists[key]; known {
		return ok
	}
	r, err := model.New(kind)
	ok := err == nil && im.tx.Get(id, r) == nil && !r.Base().Deleted()
	im.exists[key] = ok
	return ok
}

func (im *importer) event(it *item) (string, []string, error) {
	a, notes, err := im.rd.appointment(it)
	if err != nil {
		return "", nil, err
	}
	if im.calendar != "" && (im.opts.Calendar != "" || a.Calendar == "") {
		a.Calendar = im.calendar
	}
	for _, ref := range []struct {
		kind model.Kind
		id   *string
	}{{model.KindTeamMember, &a.OwnerID}, {model.KindContact, &a.ContactID}, {model.KindAccount, &a.AccountID}, {model.KindDeal, &a.DealID}, {model.KindEvent, &a.EventID}} {
		if !im.refExists(ref.kind, *ref.id) {
			*ref.id = ""
		}
	}
	return im.saveAppointment(a, notes)
}

// saveAppointment creates a, or updates the appointment with the same UID
// and RECURRENCE-ID, keeping what iCalendar does not carry (links, owner).
func (im *importer) saveAppointment(a *model.Appointment, notes []string) (string, []string, error) {
	key := a.UID + "|" + ridKey(a.RecurrenceID)
	id, ok := im.appts[key]
	if !ok {
		if err := im.tx.Create(a); err != nil {
			return "", nil, err
		}
		im.appts[key] = a.ID
		im.touch(a.UID, a.ID)
		return Imported, notes, nil
	}
	im.touch(a.UID, id)
	old := &model.Appointment{}
	if err := im.tx.Get(id, old); err != nil {
		return "", nil, err
	}
	if old.Sequence > a.Sequence && !im.opts.Exact {
		return Unchanged, append(notes, fmt.Sprintf("Relais holds a newer version (SEQUENCE %d)", old.Sequence)), nil
	}
	restored := false
	if old.Deleted() {
		if err := im.tx.Restore(model.KindAppointment, id); err != nil {
			return "", nil, err
		}
		restored = true
	}
	merged := *old
	merged.DeletedAt = time.Time{}
	copyICalFields(&merged, a)
	for _, l := range []struct{ dst, src *string }{{&merged.Calendar, &a.Calendar}, {&merged.OwnerID, &a.OwnerID}, {&merged.ContactID, &a.ContactID}, {&merged.AccountID, &a.AccountID}, {&merged.DealID, &a.DealID}, {&merged.EventID, &a.EventID}} {
		if *l.src != "" {
			*l.dst = *l.src
		}
	}
	if sameRecord(old, &merged) && !restored {
		return Unchanged, notes, nil
	}
	if err := im.tx.Update(&merged); err != nil {
		return "", nil, err
	}
	a.ID = id
	return Updated, notes, nil
}

// copyICalFields copies the fields an iCalendar event carries.
func copyICalFields(dst, src *model.Appointment) {
	dst.UID, dst.Title, dst.Start, dst.End, dst.TZ, dst.AllDay = src.UID, src.Title, src.Start, src.End, src.TZ, src.AllDay
	dst.Location, dst.Description, dst.Attendees = src.Location, src.Description, src.Attendees
	dst.RRule, dst.RDates, dst.ExDates, dst.Status, dst.Sequence = src.RRule, src.RDates, src.ExDates, src.Status, src.Sequence
	dst.RecurrenceID, dst.Organizer, dst.Alarms = src.RecurrenceID, src.Organizer, src.Alarms
}

// sameRecord compares two records field by field in their stored form.
func sameRecord(a, b model.Record) bool {
	ma, err1 := model.Encode(a)
	mb, err2 := model.Encode(b)
	return err1 == nil && err2 == nil && reflect.DeepEqual(ma, mb)
}

func (im *importer) todo(it *item) (string, []string, error) {
	t, notes, err := im.rd.task(it)
	if err != nil {
		return "", nil, err
	}
	id, ok := im.tasks[t.UID]
	if !ok {
		if err := im.tx.Create(t); err != nil {
			return "", nil, err
		}
		im.tasks[t.UID] = t.ID
		return Imported, notes, nil
	}
	old := &model.Task{}
	if err := im.tx.Get(id, old); err != nil {
		return "", nil, err
	}
	merged := *old
	merged.Title, merged.Notes, merged.Due, merged.Priority, merged.Status, merged.DoneAt = t.Title, t.Notes, t.Due, t.Priority, t.Status, t.DoneAt
	if old.Deleted() {
		if err := im.tx.Restore(model.KindTask, id); err != nil {
			return "", nil, err
		}
		merged.DeletedAt = time.Time{}
	} else if sameRecord(old, &merged) {
		return Unchanged, notes, nil
	}
	if err := im.tx.Update(&merged); err != nil {
		return "", nil, err
	}
	return Updated, notes, nil
}

// prune trashes the calendar's appointments whose UID the file lost.
func (im *importer) prune(seen map[string]bool) ([]ItemResult, error) {
	ctx := im.tx.Context()
	list, err := model.List[model.Appointment](ctx, im.sqlTx, model.Query{Where: "calendar = ?", Args: []any{im.opts.Calendar}})
	if err != nil {
		return nil, err
	}
	var out []ItemResult
	for _, a := range list {
		if seen[a.UID] {
			continue
		}
		if err := im.tx.Delete(model.KindAppointment, a.ID); err != nil && !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
		out = append(out, ItemResult{Component: goical.CompEvent, UID: a.UID, Summary: a.Title, Action: Removed})
	}
	return out, nil
}

// versionKey identifies the event or to-do an item is a version of.
func versionKey(it *item) string {
	if it.comp == nil {
		return ""
	}
	key := it.name + "|" + uidOf(it)
	if rid := it.comp.Props.Get(goical.PropRecurrenceID); rid != nil && it.name == goical.CompEvent { // tasks have no occurrences
		key += "|" + rid.Params.Get(goical.PropTimezoneID) + "|" + strings.TrimSpace(rid.Value)
	}
	return key
}

// latestVersions picks, among items of a file sharing UID and RECURRENCE-ID
// (iTIP message logs hold several versions of one event), the one with the
// highest SEQUENCE, the later in the file on a tie: importing the file then
// always ends in the same state.
func latestVersions(doc *document) map[string]*item {
	seq := func(it *item) int {
		n, _ := strconv.Atoi(strings.TrimSpace(text(it.comp, goical.PropSequence)))
		return n
	}
	out := map[string]*item{}
	for _, it := range doc.items {
		if it.err != nil || (it.name != goical.CompEvent && it.name != goical.CompToDo) {
			continue
		}
		k := versionKey(it)
		if prev, ok := out[k]; !ok || seq(it) >= seq(prev) {
			out[k] = it
		}
	}
	return out
}

func (im *importer) touch(uid, id string) {
	if im.touched[uid] == nil {
		im.touched[uid] = map[string]bool{}
	}
	im.touched[uid][id] = true
}

// dropUntouched trashes the rows of the imported UIDs that the file no
// longer holds (Exact).
func (im *importer) dropUntouched() error {
	for uid, ids := range im.touched {
		rows, err := model.List[model.Appointment](im.tx.Context(), im.sqlTx, model.Query{Where: "uid = ? AND calendar = ?", Args: []any{uid, im.calendar}})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if !ids[r.ID] {
				if err := im.tx.Delete(model.KindAppointment, r.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ReadAppointments decodes the events of an iCalendar text without writing
// anything: what CalDAV merges compare. Unreadable events are returned as errors.
func ReadAppointments(ctx context.Context, db model.Querier, data []byte, zone *time.Location) ([]*model.Appointment, []error) {
	doc, err := split(data)
	if err != nil {
		return nil, []error{err}
	}
	if zone == nil {
		zone = time.Local
	}
	zr := newZoneResolver()
	for _, it := range doc.items {
		if it.name == goical.CompTimezone && it.comp != nil {
			zr.addDefinition(it.comp)
		}
	}
	rd := &reader{zones: zr, floating: zone, dir: NewDirectory(ctx, db)}
	var out []*model.Appointment
	var errs []error
	for _, it := range doc.items {
		if it.name != goical.CompEvent {
			continue
		}
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		a, _, err := rd.appointment(it)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, a)
	}
	return out, errs
}
