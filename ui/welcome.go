package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/assets"
	"relais/model"
	"relais/ui/widgets"
)

// welcome is the first-launch screen on an empty database: choose the
// language, say who you are, then start empty or load demo data.
type welcome struct {
	a       *App
	name    *widgets.Entry
	lang    *choice
	company *companyForm // the second step, once shown
}

func (a *App) showWelcome() {
	a.welcome = true
	a.screens, a.current, a.status = nil, nil, nil
	w := &welcome{a: a}
	logo := canvas.NewImageFromResource(fyne.NewStaticResource("icon.png", assets.Icon))
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(96, 96))
	title := widget.NewLabelWithStyle(lang.L("welcome.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabelWithStyle(lang.L("welcome.intro"), fyne.TextAlignCenter, fyne.TextStyle{})
	intro.Wrapping = fyne.TextWrapWord
	w.lang = newChoice(languageOptions(), a.lang, func(code string) {
		if code != "" && code != a.lang {
			if err := a.store.SetSetting(a.ctx, model.SettingLanguage, code); err != nil {
				a.showError(err)
				return
			}
			a.applySettings()
			a.showWelcome()
		}
	})
	w.name = widgets.NewEntry()
	w.name.SetPlaceHolder(lang.L("welcome.name_placeholder"))
	w.name.OnSubmitted = func(string) { w.onStartEmpty() }
	empty := widget.NewButtonWithIcon(lang.L("welcome.start_empty"), theme.DocumentCreateIcon(), w.onStartEmpty)
	empty.Importance = widget.HighImportance
	// One above the other: side by side, the French labels do not fit 560 px.
	buttons := container.NewVBox(empty)
	if a.opts.LoadDemo != nil {
		buttons.Add(widget.NewButtonWithIcon(lang.L("welcome.load_demo"), theme.DownloadIcon(), w.onLoadDemo))
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("settings.language"), w.lang),
		widget.NewFormItem(lang.L("welcome.your_name"), w.name),
	)
	box := container.NewVBox(container.NewCenter(logo), title, intro, form, buttons)
	heightFor(intro, 560) // the wrapped height, so that the box's is right
	a.win.SetMainMenu(nil)
	a.win.SetTitle(lang.L("welcome.window_title"))
	a.win.SetContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(560, box.MinSize().Height), box)))
	a.win.Canvas().Focus(w.name)
}

// onStartEmpty creates the default pipeline and, if a name was typed, the
// user's team member, then opens the main window.
func (w *welcome) onStartEmpty() {
	a := w.a
	me := &model.TeamMember{Name: w.name.Text, Role: model.RoleCoordinator, Active: true, TargetCurrency: a.fmt.currency}
	err := a.store.Write(a.ctx, func(tx *model.Tx) error {
		if err := createDefaultStages(tx); err != nil {
			return err
		}
		if w.name.Text == "" {
			return nil
		}
		return tx.Create(me)
	})
	if err == nil && me.ID != "" {
		err = a.store.SetSetting(a.ctx, model.SettingMe, me.ID)
	}
	if err != nil {
		a.showError(err)
		return
	}
	w.showCompany()
}

func (w *welcome) onLoadDemo() {
	a := w.a
	a.runLong(lang.L("welcome.load_demo"), func(ctx context.Context, progress model.Progress) error {
		if err := a.opts.LoadDemo(ctx, a.store, progress); err != nil {
			return err
		}
		return pickMe(ctx, a.store)
	}, w.showCompany)
}

// showCompany asks for the company profile, in one short step.
func (w *welcome) showCompany() {
	a := w.a
	if a.setting(model.SettingCompanyName, "") != "" {
		w.finish() // a database that has one (a restored backup)
		return
	}
	c := newCompanyForm(a)
	w.company = c
	title := widget.NewLabelWithStyle(lang.L("welcome.company_title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabelWithStyle(lang.L("welcome.company_intro"), fyne.TextAlignCenter, fyne.TextStyle{})
	intro.Wrapping = fyne.TextWrapWord
	save := widget.NewButtonWithIcon(lang.L("welcome.company_save"), theme.ConfirmIcon(), w.onSaveCompany)
	save.Importance = widget.HighImportance
	skip := widget.NewButton(lang.L("welcome.company_skip"), w.finish)
	box := container.NewVBox(title, intro, c.form, container.NewHBox(layout.NewSpacer(), skip, save))
	heightFor(intro, 620) // the wrapped height, so that the box's is right
	a.win.SetTitle(lang.L("welcome.window_title"))
	a.win.SetContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(620, box.MinSize().Height), box)))
	a.win.Canvas().Focus(c.name)
}

// onSaveCompany saves the profile typed (the empty fields stay empty) and
// opens the main window.
func (w *welcome) onSaveCompany() {
	if w.company.save() {
		w.finish()
	}
}

func (w *welcome) finish() {
	a := w.a
	if err := a.store.SetSetting(a.ctx, settingWelcomed, "1"); err != nil {
		a.showError(err)
		return
	}
	a.build("today")
}

// createDefaultStages creates a usual B2B pipeline, named in the user's
// language, when there is no stage yet.
func createDefaultStages(tx *model.Tx) error {
	stages, err := model.List[model.Stage](tx.Context(), tx.SQL(), model.Query{Limit: 1})
	if err != nil || len(stages) > 0 {
		return err
	}
	for i, s := range []struct {
		key     string
		prob    int64
		outcome string
	}{
		{"stage.lead", 10, model.OutcomeOpen}, {"stage.qualified", 25, model.OutcomeOpen},
		{"stage.proposal", 50, model.OutcomeOpen}, {"stage.negotiation", 75, model.OutcomeOpen},
		{"stage.won", 100, model.OutcomeWon}, {"stage.lost", 0, model.OutcomeLost},
	} {
		if err := tx.Create(&model.Stage{Name: lang.L(s.key), Position: int64(i + 1), Probability: s.prob, Outcome: s.outcome}); err != nil {
			return err
		}
	}
	return nil
}

func languageOptions() []option {
	return []option{{"fr", "Français"}, {"en", "English"}}
}

// pickMe makes the first coordinator "me" when nobody is yet, so that the
// demo data has a user whose tasks Today shows.
func pickMe(ctx context.Context, st *model.Store) error {
	if me, err := st.Setting(ctx, model.SettingMe, ""); err != nil || me != "" {
		return err
	}
	ms, err := model.List[model.TeamMember](ctx, st.DB(), model.Query{Where: "role = ? AND active = 1", Args: []any{model.RoleCoordinator}, OrderBy: "name", Limit: 1})
	if err != nil || len(ms) == 0 {
		return err
	}
	return st.SetSetting(ctx, model.SettingMe, ms[0].ID)
}
