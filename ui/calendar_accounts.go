package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/sync/caldav"
	"relais/sync/ical"
	"relais/sync/outbox"
	"relais/ui/widgets"
)

// calendarAccounts is the calendar screen's side room: the CalDAV accounts
// and feed subscriptions it syncs with, and the questions that sync leaves
// for the user (a conflict kept as two copies, a server calendar found
// empty). It is shown in the detail pane of the calendar screen.
type calendarAccounts struct {
	s *calendarScreen
}

// calSecrets keeps CalDAV passwords in the OS keyring, or — where no
// keyring service runs — in a file readable only by the user beside the
// database, never in the database itself.
type calSecrets struct{ file outbox.FileSecrets }

func newCalSecrets(a *App) calSecrets {
	return calSecrets{file: outbox.FileSecrets{Path: a.store.Path() + ".secrets"}}
}

func (c calSecrets) Get(id string) (string, error) {
	if pw, err := (caldav.Keyring{}).Get(id); err == nil {
		return pw, nil
	}
	return c.file.Get("caldav:" + id)
}

func (c calSecrets) Set(id, pw string) error {
	if err := (caldav.Keyring{}).Set(id, pw); err == nil {
		return nil
	}
	return c.file.Set("caldav:"+id, pw)
}

// onAccounts shows the accounts, feeds and notices.
func (s *calendarScreen) onAccounts() {
	(&calendarAccounts{s: s}).show()
}

func (c *calendarAccounts) show() {
	a := c.s.a
	a.load(func(ctx context.Context) func() {
		db := a.store.DB()
		accs, err := caldav.Accounts(ctx, db)
		var feeds []ical.Feed
		var notices []caldav.Notice
		if err == nil {
			feeds, err = ical.Feeds(ctx, db)
		}
		if err == nil {
			notices, err = caldav.Notices(ctx, db)
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			c.draw(accs, feeds, notices)
		}
	})
}

func (c *calendarAccounts) draw(accs []caldav.Account, feeds []ical.Feed, notices []caldav.Notice) {
	a := c.s.a
	objs := []fyne.CanvasObject{title(lang.L("calacc.title"))}
	if len(notices) > 0 {
		objs = append(objs, heading(lang.L("calacc.notices")))
		for _, n := range notices {
			objs = append(objs, c.noticeRow(n))
		}
		objs = append(objs, widget.NewSeparator())
	}
	objs = append(objs, heading(lang.L("calacc.accounts")))
	if len(accs) == 0 {
		objs = append(objs, mutedPara(lang.L("calacc.no_accounts")))
	}
	for _, acc := range accs {
		objs = append(objs, widget.NewLabel(acc.Username+" — "+acc.URL))
	}
	objs = append(objs, container.NewHBox(
		widget.NewButtonWithIcon(lang.L("calacc.add"), theme.ContentAddIcon(), c.addAccount),
		widget.NewButtonWithIcon(lang.L("calacc.sync_now"), theme.ViewRefreshIcon(), c.syncNow)))
	objs = append(objs, widget.NewSeparator(), heading(lang.L("calacc.feeds")))
	if len(feeds) == 0 {
		objs = append(objs, mutedPara(lang.L("calacc.no_feeds")))
	}
	for _, f := range feeds {
		note := lang.L("calacc.feed_never")
		if !f.RefreshedAt.IsZero() {
			note = lang.L("calacc.feed_at", map[string]any{"When": a.fmt.DateTime(f.RefreshedAt)})
		}
		if f.LastError != "" {
			note += " · " + lang.L("calacc.feed_failed")
		}
		objs = append(objs, widget.NewLabel(calendarName(f.Calendar)+" — "+f.URL), muted(note))
	}
	objs = append(objs, container.NewHBox(widget.NewButtonWithIcon(lang.L("calacc.subscribe"), theme.ContentAddIcon(), c.subscribe)))
	c.s.detail.set(objs...)
}

// noticeRow shows one question left by a sync, with its answers.
func (c *calendarAccounts) noticeRow(n caldav.Notice) fyne.CanvasObject {
	a := c.s.a
	text := widget.NewLabel(lang.L("calacc.notice."+n.Kind, map[string]any{"Calendar": calendarName(n.Calendar), "Message": n.Message}))
	text.Wrapping = fyne.TextWrapWord
	var buttons []fyne.CanvasObject
	if n.Kind == "empty_listing" {
		answer := func(deleteLocal bool) func() {
			return func() {
				if err := caldav.ResolveEmpty(a.ctx, a.store, n.Calendar, deleteLocal); err != nil {
					a.showError(err)
					return
				}
				c.syncNow()
			}
		}
		del := widget.NewButton(lang.L("calacc.empty_delete"), answer(true))
		del.Importance = widget.DangerImportance
		buttons = append(buttons, widget.NewButton(lang.L("calacc.empty_upload"), answer(false)), del)
	} else {
		buttons = append(buttons, widget.NewButton(lang.L("calacc.dismiss"), func() {
			if err := caldav.DismissNotice(a.ctx, a.store, n.ID); err != nil {
				a.showError(err)
				return
			}
			c.show()
		}))
	}
	return container.NewVBox(text, container.NewHBox(buttons...))
}

// addAccount asks for the server, the user and the password, discovers the
// calendars in the background and links the ones the user keeps.
func (c *calendarAccounts) addAccount() {
	a := c.s.a
	url, user := widgets.NewEntry(), widgets.NewEntry()
	url.SetPlaceHolder("https://cloud.example.com/remote.php/dav")
	pw := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("calacc.url"), url),
		widget.NewFormItem(lang.L("calacc.user"), user),
		widget.NewFormItem(lang.L("calacc.password"), pw),
	}
	d := dialog.NewForm(lang.L("calacc.add_title"), lang.L("calacc.connect"), lang.L("action.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		acc := caldav.Account{URL: strings.TrimSpace(url.Text), Username: strings.TrimSpace(user.Text), Password: pw.Text}
		a.load(func(ctx context.Context) func() {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			found, cals, err := caldav.Discover(ctx, nil, acc)
			return func() {
				if err != nil {
					a.showError(fmt.Errorf("%s: %w", lang.L("calacc.discover_failed"), err))
					return
				}
				c.chooseCalendars(found, cals)
			}
		})
	}, a.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
	a.win.Canvas().Focus(url) // type the address at once
}

// chooseCalendars lists the server's event calendars to keep in sync, and
// offers to create a new one there.
func (c *calendarAccounts) chooseCalendars(acc caldav.Account, cals []caldav.RemoteCalendar) {
	a := c.s.a
	var checks []*widget.Check
	var usable []caldav.RemoteCalendar
	box := container.NewVBox()
	for _, rc := range cals {
		if len(rc.Components) > 0 && !slices.Contains(rc.Components, "VEVENT") {
			continue
		}
		chk := widget.NewCheck(rc.Name, nil)
		chk.SetChecked(true)
		checks = append(checks, chk)
		usable = append(usable, rc)
		box.Add(chk)
	}
	if len(usable) == 0 {
		box.Add(mutedPara(lang.L("calacc.server_empty")))
	}
	newCal := widgets.NewEntry()
	newCal.SetPlaceHolder(lang.L("calacc.new_calendar_hint"))
	box.Add(widget.NewForm(widget.NewFormItem(lang.L("calacc.new_calendar"), newCal)))
	d := dialog.NewCustomConfirm(lang.L("calacc.choose"), lang.L("calacc.keep"), lang.L("action.cancel"), box, func(ok bool) {
		if !ok {
			return
		}
		err := func() error {
			if err := caldav.SaveAccount(a.ctx, a.store, newCalSecrets(a), &acc); err != nil {
				return err
			}
			if name := strings.TrimSpace(newCal.Text); name != "" {
				rc, err := caldav.CreateCalendar(a.ctx, nil, acc, name)
				if err != nil {
					return err
				}
				usable, checks = append(usable, rc), append(checks, widget.NewCheck("", nil))
				checks[len(checks)-1].SetChecked(true)
			}
			for i, rc := range usable {
				if !checks[i].Checked {
					continue
				}
				_, err := caldav.LinkCalendar(a.ctx, a.store, acc, rc, "")
				if errors.Is(err, caldav.ErrNameTaken) {
					_, err = caldav.LinkCalendar(a.ctx, a.store, acc, rc, rc.Name+" ("+acc.Username+")")
				}
				if err != nil {
					return err
				}
			}
			return nil
		}()
		if err != nil {
			a.showError(err)
			return
		}
		a.notify(lang.L("calacc.added", map[string]any{"Server": acc.URL}))
		c.syncNow()
	}, a.win)
	d.Resize(fyne.NewSize(520, 360))
	d.Show()
}

// subscribe adds a read-only feed (a published .ics address).
func (c *calendarAccounts) subscribe() {
	a := c.s.a
	url, name := widgets.NewEntry(), widgets.NewEntry()
	url.SetPlaceHolder("https://example.com/holidays.ics")
	items := []*widget.FormItem{widget.NewFormItem(lang.L("calacc.feed_url"), url), widget.NewFormItem(lang.L("calacc.feed_name"), name)}
	d := dialog.NewForm(lang.L("calacc.subscribe_title"), lang.L("calacc.subscribe_ok"), lang.L("action.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if _, err := ical.Subscribe(a.ctx, a.store, strings.TrimSpace(url.Text), strings.TrimSpace(name.Text), 0); err != nil {
			a.showError(err)
			return
		}
		c.syncNow()
	}, a.win)
	d.Resize(fyne.NewSize(560, 200))
	d.Show()
	a.win.Canvas().Focus(url)
}

// syncNow runs the calendar loop's work at once, off the UI goroutine.
func (c *calendarAccounts) syncNow() {
	a := c.s.a
	go func() {
		syncCalendars(a)
		a.do(func() {
			c.s.reload()
			c.show()
		})
	}()
}
