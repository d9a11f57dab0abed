package ui

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/assets"
	"relais/model"
	"relais/sync/outbox"
)

// syncKeys is the set of keys of sync.en.json, to tell a known rejection
// code from one a newer hub sends (shown with the hub's own message).
var syncKeys = sync.OnceValue(func() map[string]bool {
	keys := map[string]bool{}
	b, _ := fs.ReadFile(assets.Translations, "translations/sync.en.json")
	var m map[string]string
	if json.Unmarshal(b, &m) == nil {
		for k := range m {
			keys[k] = true
		}
	}
	return keys
})

// syncRunner is the hub client of the open store: the Syncer, its
// background loop and its status subscription.
type syncRunner struct {
	store       *model.Store
	sy          *outbox.Syncer
	cancel      context.CancelFunc
	unsub       func()
	screenUnsub func() // the Sync screen's subscription (screens are rebuilt on language change)
}

func (r *syncRunner) stop() {
	r.unsub()
	if r.screenUnsub != nil {
		r.screenUnsub()
	}
	r.cancel()
}

// ensureSync starts the hub client for a.store once (again after the user
// switched databases) and has the status bar follow it.
func (a *App) ensureSync() *outbox.Syncer {
	if a.syncer != nil && a.syncer.store == a.store {
		return a.syncer.sy
	}
	if a.syncer != nil {
		a.syncer.stop()
		a.syncer = nil
	}
	sy, err := outbox.New(a.ctx, a.store, outbox.Options{Secrets: a.opts.Secrets, Logf: func(f string, args ...any) { fyne.LogError(fmt.Sprintf(f, args...), nil) }})
	if err != nil {
		fyne.LogError("ui: start sync", err)
		return nil
	}
	ctx, cancel := context.WithCancel(a.ctx)
	r := &syncRunner{store: a.store, sy: sy, cancel: cancel}
	// Status changes come from the sync goroutine: hand them to the UI one.
	r.unsub = sy.Subscribe(func(outbox.Status) { a.do(a.refreshStatus) })
	a.opts.SyncStatus = func(context.Context) (SyncState, error) { return a.syncState2(sy.Status()), nil }
	if a.opts.queue == nil { // tests drive rounds themselves
		go sy.Run(ctx)
	}
	a.syncer = r
	return sy
}

// syncState2 turns the client's status into the status bar's line.
func (a *App) syncState2(st outbox.Status) SyncState {
	s := SyncState{Pending: st.Waiting}
	switch st.State {
	case outbox.StateNotConfigured:
		s.Text = lang.L("status.no_hub")
	case outbox.StateSyncing:
		s.Text = lang.L("sync.state.syncing")
	case outbox.StateOffline:
		s.Text, s.Failed = lang.L("sync.state.offline"), true
		if !st.NextTry.IsZero() {
			s.Text = lang.L("sync.state.offline_retry", map[string]any{"Time": a.fmt.Clock(st.NextTry)})
		}
	case outbox.StateAuth:
		s.Text, s.Failed = lang.L("sync.state.auth"), true
	case outbox.StateError:
		s.Text, s.Failed = lang.L("sync.state.error"), true
	default:
		if st.LastSuccess.IsZero() {
			s.Text = lang.L("sync.state.online")
		} else {
			s.Text = lang.L("sync.state.synced_at", map[string]any{"Time": a.fmt.DateTime(st.LastSuccess)})
		}
	}
	if st.Rejected > 0 {
		s.Text += " · " + lang.L("sync.rejected_count", map[string]any{"Count": st.Rejected})
		s.Failed = true
	}
	if st.Conflicts > 0 {
		s.Text += " · " + lang.L("sync.conflict_count", map[string]any{"Count": st.Conflicts})
	}
	return s
}

// syncScreen shows where each change stands: online or not, the last
// successful sync, the changes waiting, those the hub refused (retry or
// discard) and the conflicts (restore the losing value or dismiss).
type syncScreen struct {
	a         *App
	sy        *outbox.Syncer
	box       fyne.CanvasObject
	state     *widget.Label
	stateIcon *widget.Icon
	detail    *widget.Label
	tabs      *container.AppTabs

	waiting    []model.Change
	waitingN   int
	rejections []outbox.Rejection
	conflicts  []outbox.Conflict
	labels     map[string]string

	waitList, rejList, confList *widget.List
	waitTab, rejTab, confTab    *container.TabItem
}

// syncListLimit bounds the waiting list on screen; the count says how many
// more there are (the outbox can hold thousands after a long trip).
const syncListLimit = 300

func newSyncScreen(a *App) screen {
	s := &syncScreen{a: a, labels: map[string]string{}}
	s.sy = a.ensureSync()
	s.stateIcon = widget.NewIcon(theme.ViewRefreshIcon())
	s.state = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.detail = muted("")
	s.detail.Wrapping = fyne.TextWrapWord
	syncNow := widget.NewButtonWithIcon(lang.L("sync.now"), theme.ViewRefreshIcon(), s.onSyncNow)
	syncNow.Importance = widget.HighImportance
	settings := widget.NewButtonWithIcon(lang.L("sync.settings"), theme.SettingsIcon(), s.onSettings)
	head := container.NewBorder(nil, nil, s.stateIcon, container.NewHBox(settings, syncNow), s.state)

	s.waitList = widget.NewList(func() int { return len(s.waiting) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.UploadIcon()), muted(""), l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := s.waiting[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(s.describe(c.Op, c.Entity, c.EntityID, c.Data))
			right := lang.L("sync.made_at", map[string]any{"Time": a.fmt.DateTime(c.CreatedAt)})
			if c.Attempts > 0 {
				right = lang.L("sync.attempts", map[string]any{"Count": c.Attempts}) + " · " + right
			}
			row.Objects[2].(*widget.Label).SetText(right)
		})
	s.rejList = widget.NewList(func() int { return len(s.rejections) },
		func() fyne.CanvasObject {
			what := widget.NewLabel("")
			what.Truncation = fyne.TextTruncateEllipsis
			why := muted("")
			why.Truncation = fyne.TextTruncateEllipsis
			retry := widget.NewButtonWithIcon(lang.L("sync.retry"), theme.ViewRefreshIcon(), nil)
			discard := widget.NewButtonWithIcon(lang.L("sync.discard"), theme.DeleteIcon(), nil)
			return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), container.NewHBox(retry, discard), container.NewVBox(what, why))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := s.rejections[i]
			row := o.(*fyne.Container)
			texts := row.Objects[0].(*fyne.Container)
			texts.Objects[0].(*widget.Label).SetText(s.describe(r.Op, r.Entity, r.EntityID, r.Data))
			texts.Objects[1].(*widget.Label).SetText(s.reason(r))
			btns := row.Objects[2].(*fyne.Container)
			btns.Objects[0].(*widget.Button).OnTapped = func() { s.onRetry(r) }
			btns.Objects[1].(*widget.Button).OnTapped = func() { s.onDiscard(r) }
		})
	s.confList = widget.NewList(func() int { return len(s.conflicts) },
		func() fyne.CanvasObject {
			what := widget.NewLabel("")
			what.Truncation = fyne.TextTruncateEllipsis
			how := muted("")
			how.Truncation = fyne.TextTruncateEllipsis
			restore := widget.NewButtonWithIcon(lang.L("sync.restore"), theme.ContentUndoIcon(), nil)
			dismiss := widget.NewButtonWithIcon(lang.L("sync.dismiss"), theme.ConfirmIcon(), nil)
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ContentCopyIcon()), container.NewHBox(restore, dismiss), container.NewVBox(what, how))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := s.conflicts[i]
			row := o.(*fyne.Container)
			texts := row.Objects[0].(*fyne.Container)
			texts.Objects[0].(*widget.Label).SetText(kindName(c.Entity) + " · " + s.label(c.EntityID) + " · " + s.conflictField(c))
			texts.Objects[1].(*widget.Label).SetText(s.conflictText(c))
			btns := row.Objects[2].(*fyne.Container)
			restore := btns.Objects[0].(*widget.Button)
			restore.OnTapped = func() { s.onRestore(c) }
			// A revision's original number cannot come back: another
			// revision holds it, and the hub would renumber it again.
			if renumbered(c) {
				restore.Hide()
			} else {
				restore.Show()
			}
			btns.Objects[1].(*widget.Button).OnTapped = func() { s.onDismiss(c) }
		})
	s.waitTab = container.NewTabItemWithIcon("", theme.UploadIcon(), s.waitList)
	s.rejTab = container.NewTabItemWithIcon("", theme.WarningIcon(), s.rejList)
	s.confTab = container.NewTabItemWithIcon("", theme.ContentCopyIcon(), s.confList)
	s.tabs = container.NewAppTabs(s.waitTab, s.rejTab, s.confTab)
	s.box = container.NewBorder(container.NewVBox(head, s.detail, widget.NewSeparator()), nil, nil, nil, s.tabs)
	if s.sy != nil {
		// Keep the screen current while it is shown.
		if a.syncer.screenUnsub != nil {
			a.syncer.screenUnsub()
		}
		a.syncer.screenUnsub = s.sy.Subscribe(func(outbox.Status) {
			a.do(func() {
				if a.current == screen(s) {
					s.refresh()
				}
			})
		})
	}
	return s
}

func (s *syncScreen) id() string                 { return "sync" }
func (s *syncScreen) title() string              { return lang.L("nav.sync") }
func (s *syncScreen) icon() fyne.Resource        { return theme.ViewRefreshIcon() }
func (s *syncScreen) content() fyne.CanvasObject { return s.box }

func (s *syncScreen) refresh() {
	if s.sy == nil {
		s.state.SetText(lang.L("sync.unavailable"))
		return
	}
	st := s.sy.Status()
	ss := s.a.syncState2(st)
	s.state.SetText(ss.Text)
	if ss.Failed {
		s.stateIcon.SetResource(theme.WarningIcon())
	} else {
		s.stateIcon.SetResource(theme.ViewRefreshIcon())
	}
	hub := st.Hub
	if hub == "" {
		hub = lang.L("sync.no_hub_hint")
	}
	last := lang.L("sync.never")
	if !st.LastSuccess.IsZero() {
		last = s.a.fmt.DateTime(st.LastSuccess)
	}
	detail := lang.L("sync.detail", map[string]any{"Hub": hub, "Last": last})
	if st.LastError != "" && st.State != outbox.StateUpToDate {
		// One sentence first: the cause and what to do; the raw message after.
		if why := outbox.Explain(st.Reason, s.a.fmt.lang); why != "" {
			detail += "\n" + why
		}
		detail += "\n" + lang.L("sync.last_error", map[string]any{"Error": strings.TrimPrefix(st.LastError, "outbox: ")})
	}
	s.detail.SetText(detail)
	s.a.load(func(ctx context.Context) func() {
		waiting, werr := s.sy.Waiting(ctx, 0, syncListLimit)
		n, _ := s.a.store.OutboxCount(ctx)
		rejections, rerr := s.sy.Rejections(ctx)
		conflicts, cerr := s.sy.Conflicts(ctx, false, syncListLimit)
		ids := map[string]bool{}
		for _, c := range waiting {
			ids[c.EntityID] = true
		}
		for _, r := range rejections {
			ids[r.EntityID] = true
		}
		for _, c := range conflicts {
			ids[c.EntityID] = true
		}
		labels := recordLabels(ctx, s.a.store.DB(), ids)
		return func() {
			for _, err := range []error{werr, rerr, cerr} {
				if err != nil {
					s.a.showError(err)
					return
				}
			}
			s.waiting, s.waitingN, s.rejections, s.conflicts = waiting, n, rejections, conflicts
			for k, v := range labels {
				s.labels[k] = v
			}
			s.waitTab.Text = lang.L("sync.tab.waiting", map[string]any{"Count": n})
			s.rejTab.Text = lang.L("sync.tab.rejected", map[string]any{"Count": len(rejections)})
			s.confTab.Text = lang.L("sync.tab.conflicts", map[string]any{"Count": len(conflicts)})
			s.tabs.Refresh()
			s.waitList.Refresh()
			s.rejList.Refresh()
			s.confList.Refresh()
		}
	})
}

// recordLabels reads the search labels of records, which name them as the
// user knows them ("Brasserie Kerlann — Quimper").
func recordLabels(ctx context.Context, db *sql.DB, ids map[string]bool) map[string]string {
	out := map[string]string{}
	for id := range ids {
		var l string
		if err := db.QueryRowContext(ctx, `SELECT label FROM search_docs WHERE ref_id = ?`, id).Scan(&l); err == nil && l != "" {
			out[id] = l
		}
	}
	return out
}

func (s *syncScreen) label(id string) string {
	if l, ok := s.labels[id]; ok {
		return l
	}
	if len(id) > 8 {
		return "…" + id[len(id)-8:]
	}
	return id
}

// describe says what a change does: "New account · Brasserie Kerlann" or
// "Account · Brasserie Kerlann · City, Phone".
func (s *syncScreen) describe(op string, k model.Kind, id, data string) string {
	switch op {
	case "put":
		return lang.L("sync.op.put", map[string]any{"Kind": kindName(k)}) + " · " + s.label(id)
	case "delete":
		return lang.L("sync.op.delete", map[string]any{"Kind": kindName(k)}) + " · " + s.label(id)
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal([]byte(data), &m)
	var fields []string
	for f := range m {
		if f == "deleted_at" {
			fields = append(fields, lang.L("sync.op.restore"))
			continue
		}
		fields = append(fields, fieldLabel(f))
	}
	sort.Strings(fields)
	return kindName(k) + " · " + s.label(id) + " · " + strings.Join(fields, ", ")
}

// reason explains a rejection: the hub's code, translated, with the fields.
func (s *syncScreen) reason(r outbox.Rejection) string {
	key := "sync.code." + r.Code
	msg := r.Message
	if syncKeys()[key] {
		msg = lang.L(key)
	}
	var fields []string
	for _, f := range r.FieldErrors {
		fields = append(fields, fieldLabel(f.Field)+" ("+f.Message+")")
	}
	if len(fields) > 0 {
		msg += " — " + strings.Join(fields, "; ")
	}
	return msg
}

func (s *syncScreen) conflictField(c outbox.Conflict) string {
	if c.Field == "" {
		return lang.L("sync.conflict.edits")
	}
	if c.Field == "deleted_at" {
		return lang.L("sync.conflict.restore")
	}
	return fieldLabel(c.Field)
}

// renumbered reports a proposal revision the hub gave a new number because
// another revision of the proposal had taken its number first (see
// sync/hub/revision.go); revisions are never edited by hand, so a conflict
// on that field is always this.
func renumbered(c outbox.Conflict) bool {
	return c.Kind == "field" && c.Entity == model.KindProposal && c.Field == "revision"
}

// conflictText says who lost to whom: "« Quimper » by Anne lost to « Brest » by Bruno".
func (s *syncScreen) conflictText(c outbox.Conflict) string {
	if renumbered(c) {
		return lang.L("sync.conflict.renumbered", map[string]any{"Lost": showValue(c.Lost), "LostBy": c.LostBy, "Won": showValue(c.Won), "WonBy": c.WonBy, "Time": s.a.fmt.DateTime(c.At)})
	}
	if c.Kind == "delete" {
		return lang.L("sync.conflict.deleted", map[string]any{"LostBy": c.LostBy, "WonBy": c.WonBy, "Lost": showValue(c.Lost), "Time": s.a.fmt.DateTime(c.At)})
	}
	return lang.L("sync.conflict.field", map[string]any{"Lost": showValue(c.Lost), "LostBy": c.LostBy, "Won": showValue(c.Won), "WonBy": c.WonBy, "Time": s.a.fmt.DateTime(c.At)})
}

// showValue renders a stored value for the conflict list.
func showValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return "« " + x + " »"
	case model.FieldMap:
		var parts []string
		for k, val := range x {
			parts = append(parts, fieldLabel(k)+" "+showValue(val))
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func (s *syncScreen) after(msg string) {
	s.a.changed()
	if msg != "" {
		s.a.notify(msg)
	}
	s.refresh()
}

func (s *syncScreen) onSyncNow() {
	if s.sy == nil {
		return
	}
	if !s.sy.Settings().Configured() {
		s.onSettings()
		return
	}
	if s.a.opts.queue != nil {
		// Tests have no Run loop: one round in the background.
		s.a.load(func(ctx context.Context) func() {
			_, err := s.sy.Sync(ctx)
			return func() {
				if err != nil {
					s.a.notify(lang.L("sync.failed"))
				}
				s.after("")
			}
		})
		return
	}
	s.sy.SyncNow()
}

func (s *syncScreen) onRetry(r outbox.Rejection) {
	if err := s.sy.Retry(s.a.ctx, r.ID); err != nil {
		s.a.showError(err)
		return
	}
	s.after(lang.L("sync.retried"))
}

func (s *syncScreen) onDiscard(r outbox.Rejection) {
	dialog.ShowConfirm(lang.L("sync.discard"), lang.L("sync.discard_confirm", map[string]any{"What": s.describe(r.Op, r.Entity, r.EntityID, r.Data)}), func(ok bool) {
		if !ok {
			return
		}
		s.a.load(func(ctx context.Context) func() {
			err := s.sy.Discard(ctx, r.ID)
			return func() {
				if err != nil {
					s.a.showError(err)
					return
				}
				s.after(lang.L("sync.discarded"))
			}
		})
	}, s.a.win)
}

func (s *syncScreen) onRestore(c outbox.Conflict) {
	if err := s.sy.RestoreConflict(s.a.ctx, c.ID); err != nil {
		s.a.showError(err)
		return
	}
	s.after(lang.L("sync.restored"))
}

func (s *syncScreen) onDismiss(c outbox.Conflict) {
	if err := s.sy.DismissConflict(s.a.ctx, c.ID); err != nil {
		s.a.showError(err)
		return
	}
	s.after("")
}

// onSettings asks for the hub address, the token and, for a self-signed
// hub, the certificate fingerprint.
func (s *syncScreen) onSettings() {
	if s.sy == nil {
		return
	}
	cur := s.sy.Settings()
	hubURL := widget.NewEntry()
	hubURL.SetText(cur.HubURL)
	hubURL.SetPlaceHolder("https://hub.example:8750")
	token := widget.NewPasswordEntry()
	token.SetText(cur.Token)
	fp := widget.NewEntry()
	fp.SetText(cur.Fingerprint)
	fp.SetPlaceHolder("AB:CD:…")
	where := muted(lang.L("sync.token_where", map[string]any{"Where": s.sy.Status().SecretsAt}))
	where.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("sync.hub_url"), hubURL),
		widget.NewFormItem(lang.L("sync.token"), token),
		widget.NewFormItem(lang.L("sync.fingerprint"), fp),
		widget.NewFormItem("", where),
	}
	d := dialog.NewForm(lang.L("sync.settings"), lang.L("action.save"), lang.L("action.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if err := s.sy.Configure(s.a.ctx, outbox.Settings{HubURL: hubURL.Text, Token: token.Text, Fingerprint: fp.Text}); err != nil {
			s.a.showError(err)
			return
		}
		s.after(lang.L("sync.saved"))
	}, s.a.win)
	d.Resize(fyne.NewSize(620, 320))
	d.Show()
}
