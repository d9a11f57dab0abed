// Package ui is Relais' Fyne desktop interface: the main window, its
// navigation and one file per screen. It reads and writes through model and
// hands long work to goroutines whose results come back on the UI goroutine.
//
// # Conventions for screens (read this before adding one)
//
// The shell (this file) owns the window: the sidebar, the global search, the
// status bar, the menus and their shortcuts. A screen owns one area of work.
//
//  1. One file per screen under ui/, e.g. ui/calendar.go. The screen is an
//     unexported struct built by `newCalendarScreen(a *App) screen`; it keeps
//     its widgets and reaches the store through a.store. Handlers are named
//     onSomething. Build widgets in the constructor, never at package level:
//     the Fyne app does not exist yet when package variables initialise.
//
//  2. It implements [screen]: id() (stable, e.g. "calendar"), title()
//     (translated), icon(), content() (built once by the constructor) and
//     refresh() (re-query and Refresh the widgets; called each time the screen
//     is shown). Screens are rebuilt from scratch when the language changes,
//     so labels are simply set once with lang.L.
//
//  3. Register it with ONE line in [registry] below, in sidebar order.
//
//  4. Optional behaviour, found by type assertion:
//     [newRecorder] (Ctrl+N on this screen), [saver] (Ctrl+S), [canceller]
//     (Esc), [activityLogger] (Ctrl+L), [recordOpener] (opens records of some
//     kinds: search, Today and links call App.Open(kind, id), which shows the
//     screen that declared the kind and asks it to open the record). The
//     shortcuts are main-menu items, so they work while an entry has focus;
//     Esc reaches canceller from our entries (widgets.Entry.OnEscape, set by
//     form) and when nothing has focus.
//
//  5. Reading: never query on the UI goroutine for anything that can grow.
//     a.load(func(ctx) func()) runs the query in a goroutine and the function
//     it returns (which touches widgets) on the UI goroutine; a.do(f) runs f
//     there from any goroutine. Lists use widgets.Pages behind a widget.List:
//     one page of rows at a time, never all rows. When several loads can
//     race (refresh and open), keep the id being opened and drop the older
//     answer. Long work with a progress bar and Cancel: a.runLong(...).
//
//  6. Writing: a.store.Write / Create / Update / Set / Delete. Deleting
//     moves the record to the trash; call a.deleted(kind, id, label) to offer
//     Undo in the status bar. After any other write call a.changed() so the
//     status bar refreshes; a.notify(msg) shows a short confirmation.
//
//  7. Forms: newForm(a, kind) builds labelled inputs (entry, multiline,
//     choice, checkbox, date, money, number, picker) with a message beside
//     each, live validation as the user types and on save; set form.read to
//     turn the inputs into the record. Messages are translated from
//     model.ValidationError.Code (ui.en.json keys "err.<code>", or
//     "err.<kind>.<field>.<code>" for a better sentence). A failed save never
//     clears what was typed. recordPicker finds an account, contact … by name.
//
//  8. Text: every visible string is lang.L("key") with the key in
//     assets/translations/<area>.en.json and <area>.fr.json (ui.* for this
//     package's shell and screens; other areas use their own files). Numbers,
//     money and dates go through a.fmt (a [formats] for the chosen language):
//     a.fmt.Money(minor, "EUR"), a.fmt.Date(d), a.fmt.DateTime(t),
//     a.fmt.ParseMoney, a.fmt.ParseDate. Record texts that can be long go in
//     truncating labels or linkRow, so that no name can widen the window past
//     1366 px.
//
//  9. Errors: a.showError(err) shows the user a sentence saying what to do
//     (see userMessage), never a Go error string; validation errors go
//     beside their fields instead.
//
//  10. Sync: Options.SyncStatus feeds the status bar (state and changes
//     waiting); until the sync client sets it, the bar counts the outbox.
//
//  11. Tests: openApp(t, "en", fixtures) in helpers_test.go builds the whole
//     window on a modeltest store with no display; a.settle() waits for
//     background work and runs its UI half on the test goroutine; press(t, a,
//     fyne.KeyN) triggers a shortcut as the driver would; markup goldens live
//     in ui/testdata.
package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/assets"
	"relais/model"
	"relais/sync/outbox"
	_ "relais/ui/envlocale" // before Fyne's lang reads the locale
)

// screen is one area of the main window, listed in the sidebar.
type screen interface {
	id() string
	title() string
	icon() fyne.Resource
	content() fyne.CanvasObject
	refresh()
}

// Optional screen behaviours, bound to the shell's shortcuts.
type (
	// newRecorder starts a new record (Ctrl+N).
	newRecorder interface{ newRecord() }
	// saver saves the form being edited (Ctrl+S).
	saver interface{ save() }
	// canceller abandons the form being edited (Esc).
	canceller interface{ cancel() }
	// activityLogger starts logging a call, e-mail, meeting or note on the
	// open record (Ctrl+L, then C, E, M, V or N).
	activityLogger interface{ logActivity() }
	// recordOpener shows records of the kinds it lists.
	recordOpener interface {
		kinds() []model.Kind
		openRecord(kind model.Kind, id string)
	}
)

// registry lists every screen in sidebar order: one line per screen. (A
// function rather than a variable: screens refer back to the shell.)
func registry() []func(a *App) screen {
	return []func(a *App) screen{
		newTodayScreen,
		newContactsScreen,
		newAccountsScreen,
		newPipelineScreen,
		newCalendarScreen,
		newTasksScreen,
		newEventsScreen,
		newLeadsScreen,
		newProductsScreen,
		newProposalsScreen,
		newIssuesScreen,
		newDashboardScreen,
		newTeamScreen,
		newSyncScreen,
		newTrashScreen,
		newSettingsScreen,
	}
}

// Options configure the window; the zero value is fine.
type Options struct {
	// LoadDemo fills the store with demo data for the welcome screen's "Load
	// demo data" button; nil hides the button.
	LoadDemo func(ctx context.Context, s *model.Store, progress model.Progress) error
	// SyncStatus tells the status bar how sync stands. Until the sync client
	// provides it, the bar shows the number of changes waiting in the outbox.
	SyncStatus func(ctx context.Context) (SyncState, error)
	// Location is the user's time zone; time.Local if nil.
	Location *time.Location
	// Secrets keeps the hub token; the OS keyring (or a file beside the
	// database where none runs) if nil. Tests pass a file so that they never
	// touch a real keyring.
	Secrets outbox.Secrets

	// queue, in tests, collects the UI-goroutine halves of background work
	// so that settle runs them on the test's goroutine, as the real driver
	// runs them on the main one.
	queue *uiQueue
}

// uiQueue holds functions waiting to run on the UI goroutine (tests only).
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) push(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

// drain runs the queued functions in order and reports whether there were any.
func (q *uiQueue) drain() bool {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, f := range fns {
		f()
	}
	return len(fns) > 0
}

// SyncState is what the status bar shows about sync.
type SyncState struct {
	Text    string // a short translated sentence, e.g. "Synced at 14:02"
	Pending int    // changes waiting to be sent
	Failed  bool   // show the text as a warning
	Demo    bool   // the database holds demo data, which never syncs
}

// App is the main window and what every screen shares.
type App struct {
	fyne  fyne.App
	win   fyne.Window
	store *model.Store
	opts  Options
	fmt   formats
	lang  string

	ctx    context.Context
	cancel context.CancelFunc
	jobs   sync.WaitGroup

	screens []screen
	current screen
	nav     *widget.List
	body    *fyne.Container
	heading *widget.Label
	search  *searchPanel
	status  *statusBar
	welcome bool
	syncer  *syncRunner // the hub client of store (sync.go)
}

// Run opens the store at dbPath, shows the main window and blocks until it
// is closed. A database that cannot be opened is explained in a window.
func Run(ctx context.Context, fa fyne.App, dbPath string, opts Options) error {
	fa.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	s, err := model.Open(ctx, dbPath, model.Options{})
	if err != nil {
		useLanguage(systemLanguage())
		w := fa.NewWindow("Relais")
		msg := widget.NewLabel(lang.L("err.open_db", map[string]any{"Path": dbPath}) + "\n\n" + userMessage(err))
		msg.Wrapping = fyne.TextWrapWord
		w.SetContent(container.NewBorder(nil, container.NewHBox(layoutSpacer(), widget.NewButton(lang.L("action.quit"), fa.Quit)), nil, nil, msg))
		w.Resize(fyne.NewSize(640, 240))
		w.ShowAndRun()
		return fmt.Errorf("ui: open %s: %w", dbPath, err)
	}
	// The theme is set before any widget exists: widgets made before a theme
	// change do not all repaint with it.
	choice, _ := s.Setting(ctx, settingTheme, "")
	fa.Settings().SetTheme(themeFor(choice))
	a := newApp(fa, s, opts)
	a.win.Resize(fyne.NewSize(1366, 768))
	a.win.SetMaster()
	go a.pollStatus()
	a.win.ShowAndRun()
	a.cancel()
	cleanupPreviews() // page images and PDFs made for the viewer and e-mail drafts
	// The user may have switched to another database meanwhile.
	return a.store.Close()
}

// newApp builds the main window on store; tests call it with a test app.
func newApp(fa fyne.App, s *model.Store, opts Options) *App {
	if opts.Location == nil {
		opts.Location = time.Local
	}
	a := &App{fyne: fa, store: s, opts: opts}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.win = fa.NewWindow("Relais")
	a.win.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	a.win.SetOnClosed(a.cancel)
	a.applySettings()
	empty, err := model.IsEmpty(a.ctx, s.DB())
	if err != nil {
		fyne.LogError("ui: check for an empty database", err)
	}
	if empty && a.setting(settingWelcomed, "") == "" {
		a.showWelcome()
	} else {
		a.build("today")
	}
	return a
}

const settingWelcomed = "ui.welcomed"

// setting reads a local setting, falling back to def.
func (a *App) setting(key, def string) string {
	v, err := a.store.Setting(a.ctx, key, def)
	if err != nil {
		fyne.LogError("ui: read setting "+key, err)
	}
	return v
}

// applySettings reads language and formats from the store.
func (a *App) applySettings() {
	code := a.setting(model.SettingLanguage, "")
	if code == "" {
		code = systemLanguage()
	}
	a.lang = code
	useLanguage(code)
	a.fmt = formats{lang: code, dateStyle: a.setting(model.SettingDateFormat, ""),
		currency: a.setting(model.SettingCurrency, "EUR"), loc: a.opts.Location}
}

// build (re)creates every screen, the sidebar and the menus, then shows the
// screen with the given id. Switching language calls it again, so screens
// never need to re-translate their own labels.
func (a *App) build(showID string) {
	a.welcome = false
	a.screens = nil
	for _, mk := range registry() {
		a.screens = append(a.screens, mk(a))
	}
	a.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a.heading.SizeName = theme.SizeNameSubHeadingText
	a.search = newSearchPanel(a)
	a.status = newStatusBar(a)
	a.nav = widget.NewList(
		func() int { return len(a.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("Client issues …"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(a.screens[i].icon())
			row.Objects[1].(*widget.Label).SetText(a.screens[i].title())
		})
	a.nav.OnSelected = func(i widget.ListItemID) {
		if a.current != a.screens[i] {
			a.show(a.screens[i].id())
		}
	}
	a.body = container.NewStack()
	top := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(360, a.search.entry.MinSize().Height), a.search.entry), a.heading)
	center := container.NewBorder(container.NewPadded(top), nil, nil, nil, container.NewStack(a.body, a.search.results))
	split := container.NewHSplit(a.nav, center)
	split.Offset = 0.14
	a.win.SetContent(container.NewBorder(nil, a.status.content, nil, nil, split))
	a.win.SetMainMenu(a.menu())
	a.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			a.onCancel()
		}
	})
	a.current = nil
	a.show(showID)
	a.refreshStatus()
}

// screenByID returns the registered screen with that id, or nil.
func (a *App) screenByID(id string) screen {
	for _, s := range a.screens {
		if s.id() == id {
			return s
		}
	}
	return nil
}

// show makes the screen with that id current and refreshes it.
func (a *App) show(id string) {
	s := a.screenByID(id)
	if s == nil {
		s = a.screens[0]
	}
	a.search.clear()
	if a.current != s {
		a.current = s
		a.body.Objects = []fyne.CanvasObject{s.content()}
		a.body.Refresh()
		for i, x := range a.screens {
			if x == s {
				a.nav.Select(i)
			}
		}
	}
	a.heading.SetText(s.title())
	a.win.SetTitle(s.title() + " — Relais")
	s.refresh()
}

// Open shows the record kind/id on the screen that handles that kind. It
// reports false when no screen does.
func (a *App) Open(kind model.Kind, id string) bool {
	for _, s := range a.screens {
		o, ok := s.(recordOpener)
		if !ok {
			continue
		}
		for _, k := range o.kinds() {
			if k == kind {
				a.show(s.id())
				o.openRecord(kind, id)
				return true
			}
		}
	}
	return false
}

// opens reports whether a screen opens records of kind k.
func (a *App) opens(k model.Kind) bool {
	for _, s := range a.screens {
		if o, ok := s.(recordOpener); ok {
			for _, x := range o.kinds() {
				if x == k {
					return true
				}
			}
		}
	}
	return false
}

// changed is called after any write: it refreshes the status bar and the
// current screen's other parts.
func (a *App) changed() {
	a.refreshStatus()
}

// menu builds the main menu; its shortcuts work even while an entry has the
// focus, which canvas shortcuts do not.
func (a *App) menu() *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	item := func(key string, sk fyne.KeyName, action func()) *fyne.MenuItem {
		m := fyne.NewMenuItem(lang.L(key), action)
		if sk != "" {
			m.Shortcut = &desktop.CustomShortcut{KeyName: sk, Modifier: ctrl}
		}
		return m
	}
	file := fyne.NewMenu(lang.L("menu.file"),
		item("menu.new", fyne.KeyN, a.onNew),
		item("menu.save", fyne.KeyS, a.onSave),
		item("menu.find", fyne.KeyF, a.search.focus),
		item("menu.log", fyne.KeyL, a.onLog),
		fyne.NewMenuItemSeparator(),
		item("io.ui.menu_import", fyne.KeyI, a.onImport),
		item("io.ui.menu_export", fyne.KeyE, a.onExportCurrent),
		item("io.ui.menu_export_all", "", a.onExportAll),
		fyne.NewMenuItemSeparator(),
		item("menu.backup", "", a.onBackup),
		item("menu.restore", "", a.onRestore),
	)
	var goItems []*fyne.MenuItem
	for i, s := range a.screens {
		id := s.id()
		m := fyne.NewMenuItem(s.title(), func() { a.show(id) })
		if i < 9 {
			m.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyName(fmt.Sprint(i + 1)), Modifier: ctrl}
		}
		goItems = append(goItems, m)
	}
	help := fyne.NewMenu(lang.L("menu.help"),
		item("menu.shortcuts", "", a.onShortcutsHelp),
		item("menu.about", "", a.onAbout))
	return fyne.NewMainMenu(file, fyne.NewMenu(lang.L("menu.go"), goItems...), help)
}

func (a *App) onNew() {
	if a.welcome {
		return
	}
	if s, ok := a.current.(newRecorder); ok {
		a.search.clear()
		s.newRecord()
	}
}

func (a *App) onSave() {
	if s, ok := a.current.(saver); ok {
		s.save()
	}
}

func (a *App) onCancel() {
	if a.search.active() {
		a.search.clear()
		return
	}
	if s, ok := a.current.(canceller); ok {
		s.cancel()
	}
}

func (a *App) onLog() {
	if s, ok := a.current.(activityLogger); ok {
		s.logActivity()
	}
}

func (a *App) onShortcutsHelp() {
	text := widget.NewLabel(lang.L("help.shortcuts"))
	dialog.ShowCustom(lang.L("menu.shortcuts"), lang.L("action.close"), text, a.win)
}

func (a *App) onAbout() {
	dialog.ShowInformation(lang.L("menu.about"), lang.L("help.about", map[string]any{"Path": a.store.Path()}), a.win)
}

// load runs work off the UI goroutine, then the function it returns (if
// any) on the UI goroutine. Every query whose cost grows with the data goes
// through it, so the window never freezes.
func (a *App) load(work func(ctx context.Context) func()) {
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		apply := work(a.ctx)
		if apply != nil && a.ctx.Err() == nil {
			a.do(apply)
		}
	}()
}

// do runs f on the UI goroutine; call it from other goroutines only.
func (a *App) do(f func()) {
	if a.opts.queue != nil {
		a.opts.queue.push(f)
		return
	}
	fyne.Do(f)
}

// settle waits until background work (and the work it started) is done
// and its results are on screen. Tests call it after each action.
func (a *App) settle() {
	for {
		a.jobs.Wait()
		if a.opts.queue == nil || !a.opts.queue.drain() {
			return
		}
	}
}

// runLong runs long work (backup, restore, demo data) off the UI goroutine
// behind a dialog with a progress bar and a Cancel button. done runs on the
// UI goroutine after success; a failure is explained to the user.
func (a *App) runLong(title string, work func(ctx context.Context, progress model.Progress) error, done func()) {
	ctx, cancel := context.WithCancel(a.ctx)
	bar := widget.NewProgressBar()
	note := widget.NewLabel(lang.L("long.working"))
	cancelBtn := widget.NewButtonWithIcon(lang.L("action.cancel"), theme.CancelIcon(), nil)
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(note, bar), a.win)
	cancelBtn.OnTapped = func() {
		cancel()
		cancelBtn.Disable()
		note.SetText(lang.L("long.cancelling"))
	}
	d.SetButtons([]fyne.CanvasObject{cancelBtn})
	d.Resize(fyne.NewSize(420, 160))
	d.Show()
	var last atomic.Int64
	progress := func(n, total int) {
		now := time.Now().UnixMilli()
		if n < total && now-last.Load() < 50 {
			return // at most 20 redraws a second
		}
		last.Store(now)
		a.do(func() {
			if total > 0 {
				bar.SetValue(float64(n) / float64(total))
			}
		})
	}
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		err := work(ctx, progress)
		cancel()
		a.do(func() {
			d.Hide()
			switch {
			case err == nil:
				if done != nil {
					done()
				}
			case errors.Is(err, context.Canceled):
				a.notify(lang.L("long.cancelled"))
			default:
				a.showError(err)
			}
		})
	}()
}

// notify shows a short message in the status bar.
func (a *App) notify(msg string) {
	if a.status != nil {
		a.status.flash(msg, nil)
	}
}

// deleted tells the user a record went to the trash and offers Undo.
// moveToTrash moves a record to the trash and offers Undo; it reports
// whether it did (a failure has been shown to the user).
func (a *App) moveToTrash(kind model.Kind, id, label string) bool {
	if err := a.store.Delete(a.ctx, kind, id); err != nil {
		a.showError(err)
		return false
	}
	a.deleted(kind, id, label)
	return true
}

func (a *App) deleted(kind model.Kind, id, label string) {
	a.changed()
	if a.status == nil {
		return
	}
	a.status.flash(lang.L("trash.moved", map[string]any{"Label": label}), func() {
		if err := a.store.Restore(a.ctx, kind, id); err != nil {
			a.showError(err)
			return
		}
		a.changed()
		if a.current != nil {
			a.current.refresh()
		}
		a.Open(kind, id)
	})
}

// showError tells the user what went wrong and what to do, and logs the
// technical detail.
func (a *App) showError(err error) {
	if err == nil {
		return
	}
	fyne.LogError("ui", err)
	dialog.ShowInformation(lang.L("err.title"), userMessage(err), a.win)
}

// lowerFirst puts the first letter of s in lower case, for a sentence
// quoted inside another.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// userMessage turns an error into a sentence for the user: what happened and
// what to do. It never shows Go error text.
func userMessage(err error) string {
	msg := strings.ToLower(err.Error())
	if es, ok := model.AsValidation(err); ok {
		// Each field as the form names it, with what it accepts:
		// « Remise (entre 0 et 100 %) », never discount_bp.
		var fields []string
		for _, e := range es {
			f := fieldLabel(e.Field)
			if why := validationText("", e); why != lang.L("err.invalid") {
				f += " (" + strings.TrimSuffix(lowerFirst(why), ".") + ")"
			}
			fields = append(fields, f)
		}
		return lang.L("err.validation", map[string]any{"Fields": strings.Join(fields, ", ")})
	}
	switch {
	case errors.Is(err, context.Canceled):
		return lang.L("long.cancelled")
	case errors.Is(err, model.ErrTooNew):
		return lang.L("err.too_new")
	case errors.Is(err, model.ErrNotFound):
		return lang.L("err.not_found")
	case errors.Is(err, model.ErrConflict):
		return lang.L("err.conflict")
	case strings.Contains(msg, "disk is full"):
		return lang.L("err.disk_full")
	case strings.Contains(msg, "read-only"):
		return lang.L("err.read_only")
	case strings.Contains(msg, "damaged") || strings.Contains(msg, "not a relais database") || strings.Contains(msg, "integrity"):
		return lang.L("err.damaged")
	case strings.Contains(msg, "no such file") || strings.Contains(msg, "not exist"):
		return lang.L("err.no_file")
	case strings.Contains(msg, "permission denied"):
		return lang.L("err.permission")
	}
	return lang.L("err.unknown")
}

// fieldLabel is the translated label of a model field, for messages that
// name fields; "field.<name>" keys, the raw name if there is none.
func fieldLabel(name string) string {
	if hasText("field." + name) {
		return lang.L("field." + name)
	}
	return name
}
