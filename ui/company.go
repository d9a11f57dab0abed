package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/export"
	"relais/model"
	"relais/ui/widgets"
)

// companyForm edits the company profile every PDF prints as its sender:
// one form for Settings and for the first-launch step.
type companyForm struct {
	a                                  *App
	name, address, phone, email, legal *widgets.Entry
	logoPath                           string
	logo                               *canvas.Image
	logoLabel                          *widget.Label
	form                               *widget.Form
}

func newCompanyForm(a *App) *companyForm {
	c := &companyForm{a: a}
	c.name = widgets.NewEntry()
	c.name.SetText(a.setting(model.SettingCompanyName, ""))
	c.name.SetPlaceHolder(lang.L("welcome.company_name_placeholder"))
	c.address = widgets.NewMultiLineEntry()
	c.address.SetMinRowsVisible(3)
	c.address.SetText(a.setting(model.SettingCompanyAddress, ""))
	c.phone = widgets.NewEntry()
	c.phone.SetText(a.setting(export.SettingCompanyPhone, ""))
	c.email = widgets.NewEntry()
	c.email.SetText(a.setting(export.SettingCompanyEmail, ""))
	c.legal = widgets.NewMultiLineEntry()
	c.legal.SetMinRowsVisible(2)
	c.legal.SetPlaceHolder(lang.L("welcome.company_legal_placeholder"))
	c.legal.SetText(a.setting(model.SettingCompanyLegal, ""))
	c.logoPath = a.setting(model.SettingCompanyLogo, "")
	c.logo = canvas.NewImageFromFile(c.logoPath)
	c.logo.FillMode = canvas.ImageFillContain
	c.logo.SetMinSize(fyne.NewSize(140, 60))
	c.logoLabel = muted(c.logoPath)
	if c.logoPath == "" {
		c.logoLabel.SetText(lang.L("welcome.no_logo"))
		c.logo.Hide() // an empty 140 px frame would push the button aside
	}
	choose := widget.NewButtonWithIcon(lang.L("settings.choose_logo"), theme.FileImageIcon(), func() {
		a.chooseLogo(func(path string) {
			c.logoPath = path
			c.logo.File = path
			c.logo.Show()
			c.logo.Refresh()
			c.logoLabel.SetText(path)
		})
	})
	c.form = widget.NewForm(
		widget.NewFormItem(lang.L("settings.company_name"), c.name),
		widget.NewFormItem(lang.L("settings.company_address"), c.address),
		widget.NewFormItem(lang.L("settings.company_phone"), c.phone),
		widget.NewFormItem(lang.L("settings.company_email"), c.email),
		widget.NewFormItem(lang.L("settings.company_legal"), c.legal),
		widget.NewFormItem(lang.L("settings.company_logo"), container.NewHBox(c.logo, choose, c.logoLabel)),
	)
	return c
}

// save stores the profile as typed (an empty field stays empty); false when
// a setting could not be written (the error is shown).
func (c *companyForm) save() bool {
	for _, kv := range [][2]string{
		{model.SettingCompanyName, c.name.Text},
		{model.SettingCompanyAddress, c.address.Text},
		{model.SettingCompanyLegal, c.legal.Text},
		{export.SettingCompanyPhone, c.phone.Text},
		{export.SettingCompanyEmail, c.email.Text},
		{model.SettingCompanyLogo, c.logoPath},
	} {
		if err := c.a.store.SetSetting(c.a.ctx, kv[0], strings.TrimSpace(kv[1])); err != nil {
			c.a.showError(err)
			return false
		}
	}
	return true
}
