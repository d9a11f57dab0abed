package ui

import (
	"context"
	"image/color"
	"io"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/export"
	"relais/leads"
	"relais/model"
	"relais/ui/widgets"
)

// Settings keys that only the UI reads (the shared ones are in model).
const (
	settingTheme      = "ui.theme"       // "" (system) | "light" | "dark"
	settingLastBackup = "ui.last_backup" // path of the last backup made from the window
	prefDBPath        = "db.path"        // Fyne preference: the database to open at start
	settingMailSMTP   = "mail.smtp"      // host:port of the SMTP server invitations go through
	settingMailFrom   = "mail.from"      // the sender address of invitations
	settingMailDir    = "mail.dir"       // else: a folder where invitations are written as .eml files
)

// settingsScreen holds this laptop's preferences: language, formats, who the
// user is, the company profile printed on PDFs, the database location and
// backups. Choices apply at once; the company profile has a Save button.
type settingsScreen struct {
	a   *App
	box fyne.CanvasObject

	language, dateFormat, currency, me, appearance *choice
	followDays                                     *widgets.Entry
	followMsg                                      *widget.Label

	company *companyForm

	// Proposal defaults, read by model.NewProposal and the PDF.
	paper, proposalLang, terms *choice
	validity                   *widgets.Entry
	validityMsg                *widget.Label

	// Invitations: how queued iTIP messages leave the laptop.
	smtpAddr, mailFrom, mailDir *widgets.Entry
	mailMsg                     *widget.Label

	// Trade-show lead capture: follow-up delays by grade, consent wording.
	followRules, consent *widgets.Entry
	followRulesMsg       *widget.Label

	dbInfo *widget.Label
}

func newSettingsScreen(a *App) screen {
	s := &settingsScreen{a: a}
	s.language = newChoice(languageOptions(), a.lang, func(v string) { s.setAndRebuild(model.SettingLanguage, v) })
	s.dateFormat = newChoice([]option{
		{dateStyleLanguage, lang.L("settings.date_language")},
		{dateStyleISO, "2026-12-31"}, {dateStyleDMY, "31/12/2026"}, {dateStyleMDY, "12/31/2026"},
	}, a.fmt.dateStyle, func(v string) { s.setAndRebuild(model.SettingDateFormat, v) })
	s.currency = newChoice(currencyOptions(a.fmt.currency), a.fmt.currency, func(v string) { s.setAndRebuild(model.SettingCurrency, v) })
	s.appearance = newChoice([]option{{"", lang.L("settings.theme_system")}, {"light", lang.L("settings.theme_light")}, {"dark", lang.L("settings.theme_dark")}},
		a.setting(settingTheme, ""), func(v string) {
			s.set(settingTheme, v)
			a.applyTheme()
		})
	s.me = newChoice([]option{{"", lang.L("form.nobody")}}, a.setting(model.SettingMe, ""), func(v string) { s.set(model.SettingMe, v) })
	s.followDays = widgets.NewEntry()
	s.followDays.SetText(a.setting(model.SettingFollowUpDays, "14"))
	s.followMsg = widget.NewLabel("")
	s.followMsg.Importance = widget.DangerImportance
	s.followDays.OnChanged = s.onFollowDays

	s.company = newCompanyForm(a)

	s.paper = newChoice([]option{{"A4", "A4"}, {"Letter", "Letter (US)"}}, a.setting(export.SettingPaper, "A4"),
		func(v string) { s.set(export.SettingPaper, v) })
	s.proposalLang = newChoice([]option{{"", lang.L("settings.proposal_language_ui")}, {"fr", "Français"}, {"en", "English"}},
		a.setting(model.SettingProposalLang, ""), func(v string) { s.set(model.SettingProposalLang, v) })
	s.terms = newChoice([]option{{"", lang.L("settings.terms_none")}}, a.setting(model.SettingTermsTemplate, ""),
		func(v string) { s.set(model.SettingTermsTemplate, v) })
	s.validity = widgets.NewEntry()
	s.validity.SetText(a.setting(model.SettingValidityDays, "30"))
	s.validityMsg = widget.NewLabel("")
	s.validityMsg.Importance = widget.DangerImportance
	s.validity.OnChanged = s.onValidity

	s.smtpAddr, s.mailFrom, s.mailDir = widgets.NewEntry(), widgets.NewEntry(), widgets.NewEntry()
	s.smtpAddr.SetPlaceHolder("smtp.example.com:587")
	s.mailFrom.SetPlaceHolder("prenom.nom@example.com")
	s.mailDir.SetPlaceHolder(lang.L("settings.mail_dir_hint"))
	s.smtpAddr.SetText(a.setting(settingMailSMTP, ""))
	s.mailFrom.SetText(a.setting(settingMailFrom, ""))
	s.mailDir.SetText(a.setting(settingMailDir, ""))
	s.mailMsg = widget.NewLabel("")
	s.mailMsg.Importance = widget.DangerImportance
	s.mailMsg.Wrapping = fyne.TextWrapWord
	s.mailMsg.Hide()
	for _, e := range []*widgets.Entry{s.smtpAddr, s.mailFrom, s.mailDir} {
		e.OnChanged = func(string) { s.onMail() }
	}

	s.followRules = widgets.NewEntry()
	s.followRules.SetText(a.setting(leads.SettingFollowUp, leads.DefaultRules().String()))
	s.followRulesMsg = widget.NewLabel("")
	s.followRulesMsg.Importance = widget.DangerImportance
	s.followRulesMsg.Wrapping = fyne.TextWrapWord
	s.followRulesMsg.Hide() // shown only with a message, so it takes no room otherwise
	s.followRules.OnChanged = s.onFollowRules
	s.consent = widgets.NewMultiLineEntry()
	s.consent.SetMinRowsVisible(2)
	s.consent.SetPlaceHolder(lang.L("settings.consent_default"))
	s.consent.SetText(a.setting(leads.SettingConsentText, ""))
	s.consent.OnChanged = func(text string) { s.set(leads.SettingConsentText, strings.TrimSpace(text)) }
	saveCompany := widget.NewButtonWithIcon(lang.L("action.save")+" (Ctrl+S)", theme.DocumentSaveIcon(), s.save)
	saveCompany.Importance = widget.HighImportance

	s.dbInfo = mutedPara("")
	prefs := widget.NewForm(
		widget.NewFormItem(lang.L("settings.language"), s.language),
		widget.NewFormItem(lang.L("settings.date_format"), s.dateFormat),
		widget.NewFormItem(lang.L("settings.currency"), s.currency),
		widget.NewFormItem(lang.L("settings.theme"), s.appearance),
		widget.NewFormItem(lang.L("settings.me"), s.me),
		widget.NewFormItem(lang.L("settings.followup_days"), container.NewBorder(nil, nil, nil, s.followMsg, s.followDays)),
	)
	db := container.NewVBox(s.dbInfo, container.NewHBox(
		widget.NewButtonWithIcon(lang.L("menu.backup"), theme.DocumentSaveIcon(), a.onBackup),
		widget.NewButtonWithIcon(lang.L("menu.restore"), theme.UploadIcon(), a.onRestore),
		widget.NewButtonWithIcon(lang.L("settings.open_other"), theme.FolderOpenIcon(), s.openOther),
	))
	proposals := widget.NewForm(
		widget.NewFormItem(lang.L("settings.validity_days"), container.NewBorder(nil, nil, nil, s.validityMsg, s.validity)),
		widget.NewFormItem(lang.L("settings.proposal_language"), s.proposalLang),
		widget.NewFormItem(lang.L("settings.terms_template"), s.terms),
		widget.NewFormItem(lang.L("settings.paper"), s.paper),
	)
	leadsForm := widget.NewForm(
		widget.NewFormItem(lang.L("settings.followup_rules"), container.NewBorder(nil, s.followRulesMsg, nil, nil, s.followRules)),
		widget.NewFormItem(lang.L("settings.consent_text"), s.consent),
	)
	mailForm := widget.NewForm(
		widget.NewFormItem(lang.L("settings.mail_smtp"), s.smtpAddr),
		widget.NewFormItem(lang.L("settings.mail_from"), s.mailFrom),
		widget.NewFormItem(lang.L("settings.mail_dir"), s.mailDir),
	)
	left := container.NewVBox(heading(lang.L("settings.preferences")), prefs, widget.NewSeparator(),
		heading(lang.L("settings.proposals")), proposals, widget.NewSeparator(),
		heading(lang.L("settings.leads")), leadsForm, widget.NewSeparator(),
		heading(lang.L("settings.mail")), mutedPara(lang.L("settings.mail_note")), mailForm, s.mailMsg, widget.NewSeparator(),
		heading(lang.L("settings.database")), db)
	right := container.NewVBox(heading(lang.L("settings.company")), mutedPara(lang.L("settings.company_note")), s.company.form,
		container.NewHBox(saveCompany))
	s.box = container.NewVScroll(container.NewGridWithColumns(2, left, right))
	return s
}

func (s *settingsScreen) id() string                 { return "settings" }
func (s *settingsScreen) title() string              { return lang.L("nav.settings") }
func (s *settingsScreen) icon() fyne.Resource        { return theme.SettingsIcon() }
func (s *settingsScreen) content() fyne.CanvasObject { return s.box }

func (s *settingsScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		members, err := memberOptions(ctx, a.store)
		var templates []*model.TermsTemplate
		if err == nil {
			templates, err = model.List[model.TermsTemplate](ctx, a.store.DB(), model.Query{OrderBy: "language, name", Limit: 200})
		}
		size := a.store.FileSize()
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.me.setOptions(members, a.setting(model.SettingMe, ""))
			opts := []option{{"", lang.L("settings.terms_none")}}
			for _, t := range templates {
				opts = append(opts, option{t.ID, t.Name + " (" + t.Language + ")"})
			}
			s.terms.setOptions(opts, a.setting(model.SettingTermsTemplate, ""))
			info := lang.L("settings.db_info", map[string]any{"Path": a.store.Path(), "Size": a.fmt.Int(size / 1024 / 1024)})
			if last := a.setting(settingLastBackup, ""); last != "" {
				info += "\n" + lang.L("settings.last_backup", map[string]any{"Path": last})
			}
			s.dbInfo.SetText(info)
		}
	})
}

func (s *settingsScreen) set(key, value string) bool {
	if err := s.a.store.SetSetting(s.a.ctx, key, value); err != nil {
		s.a.showError(err)
		return false
	}
	return true
}

// setAndRebuild saves a setting that changes how every screen reads, then
// rebuilds them.
func (s *settingsScreen) setAndRebuild(key, value string) {
	if !s.set(key, value) {
		return
	}
	s.a.applySettings()
	s.a.build("settings")
}

func (s *settingsScreen) onFollowDays(text string) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 1 || n > 365 {
		s.followMsg.SetText(lang.L("settings.followup_invalid"))
		return
	}
	s.followMsg.SetText("")
	s.set(model.SettingFollowUpDays, strconv.Itoa(n))
}

func (s *settingsScreen) onValidity(text string) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 1 || n > 365 {
		s.validityMsg.SetText(lang.L("settings.followup_invalid"))
		return
	}
	s.validityMsg.SetText("")
	s.set(model.SettingValidityDays, strconv.Itoa(n))
}

// onMail stores how invitations are sent once what is typed reads right:
// a host:port, an e-mail address, a folder.
func (s *settingsScreen) onMail() {
	addr, from, dir := strings.TrimSpace(s.smtpAddr.Text), strings.TrimSpace(s.mailFrom.Text), strings.TrimSpace(s.mailDir.Text)
	var problem string
	if addr != "" {
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			problem = lang.L("settings.mail_smtp_invalid")
		} else if from == "" {
			problem = lang.L("settings.mail_from_needed")
		}
	}
	if from != "" {
		if a, err := mail.ParseAddress(from); err != nil || a.Address != from {
			problem = lang.L("settings.mail_from_invalid")
		}
	}
	if problem != "" {
		s.mailMsg.SetText(problem)
		s.mailMsg.Show()
		return
	}
	s.mailMsg.Hide()
	for _, kv := range [][2]string{{settingMailSMTP, addr}, {settingMailFrom, from}, {settingMailDir, dir}} {
		if !s.set(kv[0], kv[1]) {
			return
		}
	}
}

// onFollowRules stores the follow-up delays once they read right, and says
// what is wrong beside the field until then.
func (s *settingsScreen) onFollowRules(text string) {
	rules, err := leads.ParseRules(text)
	if err != nil {
		s.followRulesMsg.SetText(lang.L("settings.followup_rules_invalid"))
		s.followRulesMsg.Show()
		return
	}
	s.followRulesMsg.SetText("")
	s.followRulesMsg.Hide()
	s.set(leads.SettingFollowUp, rules.String())
}

// save implements saver: it stores the company profile.
func (s *settingsScreen) save() {
	if s.company.save() {
		s.a.notify(lang.L("settings.saved"))
	}
}

// chooseLogo asks for a PNG or JPEG, copies it next to the database (so the
// PDFs keep their logo when the original file moves) and gives done the
// copy's path.
func (a *App) chooseLogo(done func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if r == nil {
			return
		}
		defer r.Close()
		ext := strings.ToLower(r.URI().Extension())
		dst := filepath.Join(filepath.Dir(a.store.Path()), "logo"+ext)
		if err := copyTo(dst, r); err != nil {
			a.showError(err)
			return
		}
		done(dst)
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Show()
}

func copyTo(dst string, r io.Reader) error {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// openOther switches to another database file (a new one is created if
// the name does not exist), and remembers it for the next start.
func (s *settingsScreen) openOther() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.a.showError(err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		s.a.switchStore(path)
	}, s.a.win)
	d.SetFileName("relais.db")
	d.SetConfirmText(lang.L("settings.open"))
	d.Show()
}

// switchStore opens the database at path in place of the current one.
// A file the dialog has just created empty is a new database.
func (a *App) switchStore(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		os.Remove(path)
	}
	st, err := model.Open(a.ctx, path, model.Options{Now: a.store.Now})
	if err != nil {
		a.showError(err)
		return
	}
	old := a.store
	a.store = st
	a.fyne.Preferences().SetString(prefDBPath, path)
	a.applySettings()
	a.fyne.Settings().SetTheme(themeFor(a.setting(settingTheme, "")))
	empty, _ := model.IsEmpty(a.ctx, st.DB())
	if empty && a.setting(settingWelcomed, "") == "" {
		a.showWelcome()
	} else {
		a.build("settings")
	}
	old.Close()
}

// applyTheme installs Relais' theme in the variant the user chose, then
// rebuilds the window: widgets made before a theme change do not all
// repaint with it.
func (a *App) applyTheme() {
	a.fyne.Settings().SetTheme(themeFor(a.setting(settingTheme, "")))
	if !a.welcome && a.current != nil {
		a.build(a.current.id())
	}
}

// themeFor returns Relais' theme for a settingTheme value.
func themeFor(choice string) fyne.Theme {
	t := relaisTheme{}
	switch choice {
	case "light":
		v := theme.VariantLight
		t.variant = &v
	case "dark":
		v := theme.VariantDark
		t.variant = &v
	}
	return t
}

// relaisTheme is Fyne's default theme with secondary text (drawn in the
// "disabled" colour by low-importance labels) dark enough to read: the
// default light grey on white measured about 2:1 contrast, this is about 5:1,
// and its dark counterpart about 6:1. The variant can be fixed.
type relaisTheme struct {
	variant *fyne.ThemeVariant
}

func (t relaisTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	if n == theme.ColorNameDisabled {
		if v == theme.VariantLight {
			return color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff}
		}
		return color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (relaisTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (relaisTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (relaisTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }
