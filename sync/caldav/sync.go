package caldav

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"relais/model"
	"relais/sync/ical"
)

// Sync follows the design notes (sync.md, "Calendars (CalDAV)"): one UID is one
// resource; each synced resource keeps its href, ETag, the hash of the local
// rendering and a copy of the iCalendar last agreed with the server. A sync
// of one calendar runs: local deletes (If-Match), local creations
// (If-None-Match: *) and updates (If-Match), then the pull (sync-collection,
// or an ETag listing when the token is stale or unsupported).
//
// There is no separate queue of CalDAV operations: what must be pushed is
// whatever differs from the stored copy (a hash mismatch, a resource whose
// appointments were deleted, an appointment with no resource). Edits made
// offline therefore wait in the database itself and go out on the first
// sync that reaches the server, however many syncs failed before.

// Hash sentinels for resources Relais must never write or delete: items it
// could not read, and items that hold no event (to-dos, journals).
const (
	hashUnreadable = "unreadable"
	hashForeign    = "foreign"
)

// Syncer syncs the CalDAV calendars of one store.
type Syncer struct {
	Store   *model.Store
	HTTP    *http.Client   // nil: a client with a one-minute timeout
	Secrets Secrets        // where account passwords are; nil: Account.Password must be set
	Zone    *time.Location // reads floating times; nil: time.Local
}

// Result tells what one calendar's sync did.
type Result struct {
	Calendar      string
	Created       int // resources created on the server
	Updated       int // resources updated on the server
	Deleted       int // resources deleted on the server
	Pulled        int // resources applied from the server
	RemoteDeleted int // local appointments removed because the server deleted them
	Merged        int // 412s resolved by merging both sides
	Conflicts     int // 412s kept as two copies
	Unreadable    int // server resources set aside
	FullListing   bool
	EmptyListing  bool // the server listed nothing: nothing was deleted, the user must decide
}

// Pending counts the local changes of a calendar that the server has not
// seen yet: what the UI shows as "n changes waiting".
func Pending(ctx context.Context, db model.Querier, calendar string) (int, error) {
	items, err := loadItems(ctx, db, calendar)
	if err != nil {
		return 0, err
	}
	local, err := loadLocal(ctx, db, calendar)
	if err != nil {
		return 0, err
	}
	w := &ical.Writer{Dir: ical.NewDirectory(ctx, db)}
	n := 0
	for uid, rows := range local {
		st := items[uid]
		if st == nil || (st.hash != hashUnreadable && st.hash != hashForeign && st.hash != render(w, rows).hash) {
			n++
		}
	}
	for uid, st := range items {
		if _, ok := local[uid]; !ok && st.hash != hashUnreadable && st.hash != hashForeign {
			n++
		}
	}
	return n, nil
}

// SyncAll syncs every CalDAV calendar. A calendar that fails does not stop
// the others; the first error is returned with all results.
func (sy *Syncer) SyncAll(ctx context.Context) ([]Result, error) {
	cals, err := sy.Store.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	accs, err := Accounts(ctx, sy.Store.DB())
	if err != nil {
		return nil, err
	}
	byID := map[string]Account{}
	for _, a := range accs {
		byID[a.ID] = a
	}
	var out []Result
	var first error
	for _, c := range cals {
		if c.Source != model.CalendarCalDAV {
			continue
		}
		acc, ok := byID[c.AccountID]
		if !ok {
			continue
		}
		if acc.Password == "" && sy.Secrets != nil {
			if pw, err := sy.Secrets.Get(acc.ID); err == nil {
				acc.Password = pw
			}
		}
		r, err := sy.Sync(ctx, acc, c.Name)
		out = append(out, r)
		if err != nil && first == nil {
			first = err
		}
	}
	return out, first
}

// Sync syncs one calendar with the server.
func (sy *Syncer) Sync(ctx context.Context, acc Account, calendar string) (Result, error) {
	res := Result{Calendar: calendar}
	info, err := sy.Store.Calendar(ctx, calendar)
	if err != nil {
		return res, err
	}
	if info.Source != model.CalendarCalDAV || info.Href == "" {
		return res, fmt.Errorf("caldav: %q is not a CalDAV calendar", calendar)
	}
	if info.Pending {
		res.EmptyListing = true
		return res, nil // waiting for the user's decision (ResolveEmpty)
	}
	c, err := dial(acc, sy.HTTP)
	if err != nil {
		return res, err
	}
	r := &run{sy: sy, c: c, cal: info, res: &res, w: &ical.Writer{Dir: ical.NewDirectory(ctx, sy.Store.DB())}}
	err = r.sync(ctx)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	sy.Store.Write(ctx, func(tx *model.Tx) error {
		_, e := tx.SQL().ExecContext(ctx, `UPDATE calendars SET last_error = ?, last_sync_at = CASE WHEN ? = '' THEN ? ELSE last_sync_at END WHERE name = ?`,
			msg, msg, model.FormatTime(tx.Now()), calendar)
		return e
	})
	return res, err
}

// run is one calendar's sync in progress.
type run struct {
	sy  *Syncer
	c   *conn
	cal model.CalendarInfo
	res *Result
	w   *ical.Writer
}

func (r *run) store() *model.Store { return r.sy.Store }

func (r *run) sync(ctx context.Context) error {
	if err := r.pushDeletes(ctx); err != nil {
		return err
	}
	// Two rounds: a conflict kept as two copies creates a new appointment
	// that the second round uploads.
	for round := 0; round < 2; round++ {
		more, err := r.pushChanges(ctx)
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	return r.pull(ctx)
}

// itemState is one caldav_items row.
type itemState struct {
	uid, href, etag, hash, ics string
}

func loadItems(ctx context.Context, db model.Querier, calendar string) (map[string]*itemState, error) {
	rows, err := db.QueryContext(ctx, `SELECT uid, href, etag, hash, synced_ics FROM caldav_items WHERE calendar = ?`, calendar)
	if err != nil {
		return nil, fmt.Errorf("caldav: read sync state: %w", err)
	}
	defer rows.Close()
	out := map[string]*itemState{}
	for rows.Next() {
		st := &itemState{}
		if err := rows.Scan(&st.uid, &st.href, &st.etag, &st.hash, &st.ics); err != nil {
			return nil, fmt.Errorf("caldav: read sync state: %w", err)
		}
		out[st.uid] = st
	}
	return out, rows.Err()
}

func saveItem(tx *model.Tx, calendar string, st *itemState) error {
	_, err := tx.SQL().ExecContext(tx.Context(), `INSERT INTO caldav_items(calendar, uid, href, etag, hash, synced_ics, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(calendar, uid) DO UPDATE SET href = excluded.href, etag = excluded.etag, hash = excluded.hash, synced_ics = excluded.synced_ics, synced_at = excluded.synced_at`,
		calendar, st.uid, st.href, st.etag, st.hash, st.ics, model.FormatTime(tx.Now()))
	if err != nil {
		return fmt.Errorf("caldav: save sync state of %s: %w", st.uid, err)
	}
	return nil
}

func dropItem(tx *model.Tx, calendar, uid string) error {
	_, err := tx.SQL().ExecContext(tx.Context(), `DELETE FROM caldav_items WHERE calendar = ? AND uid = ?`, calendar, uid)
	return err
}

func notice(tx *model.Tx, calendar, kind, uid, href, msg, detail string) error {
	_, err := tx.SQL().ExecContext(tx.Context(), `INSERT INTO calendar_notices(calendar, kind, uid, href, message, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		calendar, kind, uid, href, msg, detail, model.FormatTime(tx.Now()))
	return err
}

// loadLocal returns the live appointments of the calendar by UID, series
// master first.
func loadLocal(ctx context.Context, db model.Querier, calendar string) (map[string][]*model.Appointment, error) {
	list, err := model.List[model.Appointment](ctx, db, model.Query{Where: "calendar = ? AND uid != ''", Args: []any{calendar}, OrderBy: "uid, recurrence_id IS NOT NULL, recurrence_id"})
	if err != nil {
		return nil, err
	}
	out := map[string][]*model.Appointment{}
	for _, a := range list {
		out[a.UID] = append(out[a.UID], a)
	}
	return out, nil
}

// rendering is the iCalendar text Relais would put on the server for a UID.
type rendering struct {
	data []byte
	hash string
}

func render(w *ical.Writer, rows []*model.Appointment) rendering {
	cal := w.Calendar(rows, "", func(a *model.Appointment) time.Time { return a.UpdatedAt }, false)
	var buf bytes.Buffer
	if err := ical.Encode(&buf, cal); err != nil {
		return rendering{}
	}
	sum := sha256.Sum256(buf.Bytes())
	return rendering{data: buf.Bytes(), hash: hex.EncodeToString(sum[:])}
}

// hrefFor names the resource of a new UID inside the collection.
func hrefFor(coll, uid string) string {
	name := uid
	for _, c := range uid {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '@') {
			sum := sha1.Sum([]byte(uid))
			name = hex.EncodeToString(sum[:])
			break
		}
	}
	return strings.TrimSuffix(coll, "/") + "/" + name + ".ics"
}

// pushDeletes deletes on the server the resources whose appointments were
// deleted (or moved to another calendar) here.
func (r *run) pushDeletes(ctx context.Context) error {
	db := r.store().DB()
	items, err := loadItems(ctx, db, r.cal.Name)
	if err != nil {
		return err
	}
	local, err := loadLocal(ctx, db, r.cal.Name)
	if err != nil {
		return err
	}
	for _, st := range sortedItems(items) {
		if _, live := local[st.uid]; live || st.hash == hashUnreadable || st.hash == hashForeign {
			continue
		}
		err := r.c.remove(ctx, st.href, st.etag)
		switch code := statusOf(err); {
		case err == nil || code == http.StatusNotFound || code == http.StatusGone:
			if err == nil {
				r.res.Deleted++
			}
			if err := r.store().Write(ctx, func(tx *model.Tx) error { return dropItem(tx, r.cal.Name, st.uid) }); err != nil {
				return err
			}
		case code == http.StatusPreconditionFailed:
			// Changed on the server since we last saw it: deleting would lose
			// someone's edit. Bring the server's version back and say so.
			f, err := r.c.get(ctx, st.href)
			if err != nil {
				return err
			}
			if err := r.apply(ctx, f, "deleted here but changed on the server meanwhile: the server's version was kept"); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return nil
}

func sortedItems(m map[string]*itemState) []*itemState {
	out := make([]*itemState, 0, len(m))
	for _, st := range m {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].uid < out[j].uid })
	return out
}

// pushChanges creates and updates resources for local changes. It reports
// whether a conflict copy was made that needs another round.
func (r *run) pushChanges(ctx context.Context) (bool, error) {
	db := r.store().DB()
	items, err := loadItems(ctx, db, r.cal.Name)
	if err != nil {
		return false, err
	}
	local, err := loadLocal(ctx, db, r.cal.Name)
	if err != nil {
		return false, err
	}
	uids := make([]string, 0, len(local))
	for uid := range local {
		uids = append(uids, uid)
	}
	sort.Strings(uids)
	more := false
	for _, uid := range uids {
		rows := local[uid]
		st := items[uid]
		rd := render(r.w, rows)
		if rd.data == nil {
			continue
		}
		if st != nil && (st.hash == rd.hash || st.hash == hashUnreadable || st.hash == hashForeign) {
			continue
		}
		cond := conditions{ifNoneMatch: "*"}
		href := hrefFor(r.cal.Href, uid)
		if st != nil {
			cond, href = conditions{ifMatch: st.etag}, st.href
		}
		etag, err := r.c.put(ctx, href, rd.data, cond)
		if statusOf(err) == http.StatusPreconditionFailed {
			copied, err := r.resolveConflict(ctx, uid, href, st, rows)
			if err != nil {
				return false, err
			}
			more = more || copied
			continue
		}
		if err != nil {
			return false, err
		}
		if st == nil {
			r.res.Created++
		} else {
			r.res.Updated++
		}
		if err := r.store().Write(ctx, func(tx *model.Tx) error {
			return saveItem(tx, r.cal.Name, &itemState{uid: uid, href: normHref(href), etag: etag, hash: rd.hash, ics: string(rd.data)})
		}); err != nil {
			return false, err
		}
	}
	return more, nil
}

// resolveConflict handles a 412 on PUT: someone else changed the resource
// (or created one with the same name). Both versions are merged property by
// property against the last synced copy; where both sides changed the same
// property the server's value stays on the shared copy and the local
// version is kept as a second appointment, with a notice for the user.
func (r *run) resolveConflict(ctx context.Context, uid, href string, st *itemState, local []*model.Appointment) (bool, error) {
	for attempt := 0; attempt < 3; attempt++ {
		server, err := r.c.get(ctx, href)
		if statusOf(err) == http.StatusNotFound {
			// Deleted on the server while edited here: keep the edit.
			etag, err := r.c.put(ctx, href, render(r.w, local).data, conditions{ifNoneMatch: "*"})
			if err != nil {
				return false, err
			}
			rd := render(r.w, local)
			return false, r.store().Write(ctx, func(tx *model.Tx) error {
				if err := notice(tx, r.cal.Name, "conflict", uid, href, "deleted on the server but edited here: the edited appointment was uploaded again", ""); err != nil {
					return err
				}
				return saveItem(tx, r.cal.Name, &itemState{uid: uid, href: normHref(href), etag: etag, hash: rd.hash, ics: string(rd.data)})
			})
		}
		if err != nil {
			return false, err
		}
		remote, errs := ical.ReadAppointments(ctx, r.store().DB(), []byte(server.data), r.sy.Zone)
		if len(errs) > 0 || len(remote) == 0 {
			return false, r.store().Write(ctx, func(tx *model.Tx) error {
				r.res.Unreadable++
				return notice(tx, r.cal.Name, "unreadable", uid, href, "the server's copy cannot be read; the local version was not uploaded", joinErrs(errs))
			})
		}
		var base []*model.Appointment
		if st != nil {
			base, _ = ical.ReadAppointments(ctx, r.store().DB(), []byte(st.ics), r.sy.Zone)
		}
		merged, conflicts := merge3(base, local, remote)
		copied := false
		err = r.store().Write(ctx, func(tx *model.Tx) error {
			if len(conflicts) > 0 {
				if err := keepLocalCopy(tx, local); err != nil {
					return err
				}
				copied = true
				if err := notice(tx, r.cal.Name, "conflict", uid, href,
					fmt.Sprintf("%q was changed here and on the server; the server's version is kept and yours was saved as a copy", local[0].Title),
					strings.Join(conflicts, ", ")); err != nil {
					return err
				}
			}
			return writeSeries(tx, r.cal.Name, uid, merged)
		})
		if err != nil {
			return false, err
		}
		rows, err := loadLocal(ctx, r.store().DB(), r.cal.Name)
		if err != nil {
			return false, err
		}
		rd := render(r.w, rows[uid])
		etag, err := r.c.put(ctx, href, rd.data, conditions{ifMatch: server.etag})
		if statusOf(err) == http.StatusPreconditionFailed {
			st = &itemState{uid: uid, href: href, etag: server.etag, ics: server.data}
			local = rows[uid]
			continue // changed again meanwhile: merge once more
		}
		if err != nil {
			return false, err
		}
		if len(conflicts) > 0 {
			r.res.Conflicts++
		} else {
			r.res.Merged++
		}
		return copied, r.store().Write(ctx, func(tx *model.Tx) error {
			return saveItem(tx, r.cal.Name, &itemState{uid: uid, href: normHref(href), etag: etag, hash: rd.hash, ics: string(rd.data)})
		})
	}
	return false, fmt.Errorf("caldav: %s keeps changing on the server; it will be tried again at the next sync", href)
}

func joinErrs(errs []error) string {
	var parts []string
	for _, e := range errs {
		parts = append(parts, e.Error())
	}
	return strings.Join(parts, "; ")
}

// keepLocalCopy saves the local version of a series under a new UID.
func keepLocalCopy(tx *model.Tx, local []*model.Appointment) error {
	uid := model.NewID() + "@relais"
	for _, a := range local {
		c := *a
		c.Meta = model.Meta{}
		c.UID = uid
		c.Sequence = 0
		if !strings.HasSuffix(c.Title, " (conflict)") {
			c.Title = clipTitle(c.Title+" (conflict)", 200)
		}
		if err := tx.Create(&c); err != nil {
			return err
		}
	}
	return nil
}

func clipTitle(s string, max int) string {
	r := []rune(s)
	if len(r) > max {
		return string(r[:max])
	}
	return s
}

// writeSeries makes the calendar's rows of uid equal to rows (matched by
// RECURRENCE-ID), keeping ids so that links and hub history survive.
func writeSeries(tx *model.Tx, calendar, uid string, rows []*model.Appointment) error {
	existing, err := model.List[model.Appointment](tx.Context(), tx.SQL(), model.Query{Where: "uid = ? AND calendar = ?", Args: []any{uid, calendar}, WithDeleted: true})
	if err != nil {
		return err
	}
	byRID := map[string]*model.Appointment{}
	for _, e := range existing {
		byRID[ridOf(e)] = e
	}
	kept := map[string]bool{}
	for _, a := range rows {
		a.UID, a.Calendar = uid, calendar
		if e := byRID[ridOf(a)]; e != nil {
			if e.Deleted() {
				if err := tx.Restore(model.KindAppointment, e.ID); err != nil {
					return err
				}
			}
			n := *e
			n.DeletedAt = time.Time{}
			copyFields(&n, a)
			if err := tx.Update(&n); err != nil {
				return err
			}
			kept[e.ID] = true
			continue
		}
		n := *a
		n.Meta = model.Meta{}
		if err := tx.Create(&n); err != nil {
			return err
		}
	}
	for _, e := range existing {
		if !kept[e.ID] && !e.Deleted() {
			if err := tx.Delete(model.KindAppointment, e.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func ridOf(a *model.Appointment) string {
	if a.RecurrenceID.IsZero() {
		return ""
	}
	return model.FormatTime(a.RecurrenceID)
}

// pull applies the server's changes since the last sync.
func (r *run) pull(ctx context.Context) error {
	db := r.store().DB()
	items, err := loadItems(ctx, db, r.cal.Name)
	if err != nil {
		return err
	}
	byHref := map[string]*itemState{}
	for _, st := range items {
		byHref[st.href] = st
	}
	var changed map[string]string
	var deleted []string
	token := ""
	if r.cal.SyncToken != "" {
		ch, err := r.c.syncCollection(ctx, r.cal.Href, r.cal.SyncToken)
		switch {
		case err == nil:
			changed, deleted, token = ch.changed, ch.deleted, ch.token
		case errors.Is(err, errStaleToken):
			r.cal.SyncToken = ""
		default:
			return err
		}
	}
	if r.cal.SyncToken == "" {
		// Full listing: sync-collection from scratch where the server has it
		// (it also gives a token), else PROPFIND.
		r.res.FullListing = true
		var listing map[string]string
		if ch, err := r.c.syncCollection(ctx, r.cal.Href, ""); err == nil {
			listing, token = ch.changed, ch.token
		} else if errors.Is(err, ErrOffline) {
			return err
		} else if listing, err = r.c.etagListing(ctx, r.cal.Href); err != nil {
			return err
		}
		if len(listing) == 0 && len(items) > 0 {
			return r.emptyListing(ctx, len(items))
		}
		changed = map[string]string{}
		for href, etag := range listing {
			if st := byHref[href]; st == nil || st.etag != etag {
				changed[href] = etag
			}
		}
		for href := range byHref {
			if _, ok := listing[href]; !ok {
				deleted = append(deleted, href)
			}
		}
	} else if len(deleted) > 0 && len(deleted) >= len(items) && len(changed) == 0 {
		return r.emptyListing(ctx, len(items))
	}
	var fetch []string
	for href, etag := range changed {
		if st := byHref[href]; st == nil || st.etag != etag {
			fetch = append(fetch, href)
		}
	}
	sort.Strings(fetch)
	got, err := r.c.multiget(ctx, r.cal.Href, fetch)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range got {
		seen[f.href] = true
		if err := r.apply(ctx, f, ""); err != nil {
			return err
		}
	}
	for _, href := range fetch { // servers that answer multiget partially
		if seen[href] {
			continue
		}
		f, err := r.c.get(ctx, href)
		if statusOf(err) == http.StatusNotFound {
			continue
		}
		if err != nil {
			return err
		}
		if err := r.apply(ctx, f, ""); err != nil {
			return err
		}
	}
	sort.Strings(deleted)
	for _, href := range deleted {
		st := byHref[href]
		if st == nil {
			continue
		}
		err := r.store().Write(ctx, func(tx *model.Tx) error {
			rows, err := model.List[model.Appointment](ctx, tx.SQL(), model.Query{Where: "uid = ? AND calendar = ?", Args: []any{st.uid, r.cal.Name}})
			if err != nil {
				return err
			}
			for _, a := range rows {
				if err := tx.Delete(model.KindAppointment, a.ID); err != nil {
					return err
				}
			}
			if len(rows) > 0 {
				r.res.RemoteDeleted++
			}
			return dropItem(tx, r.cal.Name, st.uid)
		})
		if err != nil {
			return err
		}
	}
	return r.store().Write(ctx, func(tx *model.Tx) error {
		_, err := tx.SQL().ExecContext(ctx, `UPDATE calendars SET sync_token = ? WHERE name = ?`, token, r.cal.Name)
		return err
	})
}

// apply writes one server resource into the calendar and records it as synced.
func (r *run) apply(ctx context.Context, f fetched, why string) error {
	db := r.store().DB()
	appts, errs := ical.ReadAppointments(ctx, db, []byte(f.data), r.sy.Zone)
	uid := ""
	if len(appts) > 0 {
		uid = appts[0].UID
	}
	return r.store().Write(ctx, func(tx *model.Tx) error {
		switch {
		case len(errs) > 0 || (uid == "" && strings.Contains(f.data, "BEGIN:VEVENT")):
			r.res.Unreadable++
			if uid == "" {
				uid = "href:" + f.href
			}
			if err := notice(tx, r.cal.Name, "unreadable", uid, f.href, "an appointment on the server cannot be read and was set aside", joinErrs(errs)); err != nil {
				return err
			}
			return saveItem(tx, r.cal.Name, &itemState{uid: uid, href: f.href, etag: f.etag, hash: hashUnreadable, ics: f.data})
		case uid == "":
			// No event: a to-do or journal shared in the calendar. Left alone.
			return saveItem(tx, r.cal.Name, &itemState{uid: "href:" + f.href, href: f.href, etag: f.etag, hash: hashForeign, ics: f.data})
		}
		if _, err := ical.ImportTx(tx, []byte(f.data), ical.ImportOptions{Calendar: r.cal.Name, Zone: r.sy.Zone, Exact: true, EventsOnly: true}); err != nil {
			return err
		}
		if why != "" {
			if err := notice(tx, r.cal.Name, "conflict", uid, f.href, why, ""); err != nil {
				return err
			}
		}
		r.res.Pulled++
		rows, err := model.List[model.Appointment](ctx, tx.SQL(), model.Query{Where: "uid = ? AND calendar = ?", Args: []any{uid, r.cal.Name}, OrderBy: "recurrence_id IS NOT NULL, recurrence_id"})
		if err != nil {
			return err
		}
		return saveItem(tx, r.cal.Name, &itemState{uid: uid, href: f.href, etag: f.etag, hash: render(r.w, rows).hash, ics: f.data})
	})
}

// emptyListing handles a server that suddenly lists nothing although items
// were synced: nothing is deleted, the calendar waits for the user.
func (r *run) emptyListing(ctx context.Context, known int) error {
	r.res.EmptyListing = true
	return r.store().Write(ctx, func(tx *model.Tx) error {
		if _, err := tx.SQL().ExecContext(ctx, `UPDATE calendars SET empty_pending = 1 WHERE name = ?`, r.cal.Name); err != nil {
			return err
		}
		return notice(tx, r.cal.Name, "empty_listing", "", r.cal.Href,
			fmt.Sprintf("the server lists no appointment in %q although %d were synced; nothing was deleted — choose whether to delete them here too or to upload them again", r.cal.Name, known), "")
	})
}

// ResolveEmpty answers the question an empty listing raised: deleteLocal
// trashes the calendar's appointments here too; otherwise everything is
// uploaded again at the next sync.
func ResolveEmpty(ctx context.Context, s *model.Store, calendar string, deleteLocal bool) error {
	return s.Write(ctx, func(tx *model.Tx) error {
		if deleteLocal {
			rows, err := model.List[model.Appointment](ctx, tx.SQL(), model.Query{Where: "calendar = ?", Args: []any{calendar}})
			if err != nil {
				return err
			}
			for _, a := range rows {
				if err := tx.Delete(model.KindAppointment, a.ID); err != nil {
					return err
				}
			}
		}
		for _, q := range []string{`DELETE FROM caldav_items WHERE calendar = ?`, `UPDATE calendars SET empty_pending = 0, sync_token = '' WHERE name = ?`,
			`UPDATE calendar_notices SET resolved_at = '` + model.FormatTime(tx.Now()) + `' WHERE calendar = ? AND kind = 'empty_listing' AND resolved_at IS NULL`} {
			if _, err := tx.SQL().ExecContext(ctx, q, calendar); err != nil {
				return fmt.Errorf("caldav: resolve empty listing of %q: %w", calendar, err)
			}
		}
		return nil
	})
}

// Notice is something calendar sync wants the user to see.
type Notice struct {
	ID        int64
	Calendar  string
	Kind      string // conflict, unreadable, empty_listing
	UID       string
	Message   string
	Detail    string
	CreatedAt time.Time
}

// Notices lists the unresolved notices, newest first.
func Notices(ctx context.Context, db model.Querier) ([]Notice, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, calendar, kind, uid, message, detail, created_at FROM calendar_notices WHERE resolved_at IS NULL ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("caldav: read notices: %w", err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var at string
		if err := rows.Scan(&n.ID, &n.Calendar, &n.Kind, &n.UID, &n.Message, &n.Detail, &at); err != nil {
			return nil, fmt.Errorf("caldav: read notices: %w", err)
		}
		n.CreatedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// DismissNotice marks a notice read (a conflict copy the user has looked at).
// Empty-listing notices are answered with ResolveEmpty instead.
func DismissNotice(ctx context.Context, s *model.Store, id int64) error {
	return s.Write(ctx, func(tx *model.Tx) error {
		if _, err := tx.SQL().ExecContext(ctx, `UPDATE calendar_notices SET resolved_at = ? WHERE id = ? AND kind != 'empty_listing'`,
			model.FormatTime(tx.Now()), id); err != nil {
			return fmt.Errorf("caldav: dismiss notice %d: %w", id, err)
		}
		return nil
	})
}
