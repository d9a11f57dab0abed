package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/sync/caldav"
	"relais/sync/ical"
	"relais/ui/widgets"
)

// calendarScreen shows the team's calendars by day, week or month, each
// calendar in its colour and hideable, with the dated records (tasks due,
// client issues due, deals' expected close) beside the appointments. An
// appointment opens on the right, where it is edited: one occurrence or the
// whole series, attendees, links, recurrence, reminders, its own time zone.
// Double bookings are outlined in red and warned about before saving.
type calendarScreen struct {
	a      *App
	box    fyne.CanvasObject
	view   *choice
	anchor time.Time // a moment inside the period shown
	period *widget.Label
	body   *fyne.Container // the view: week/day grid or month grid
	side   *fyne.Container // calendars, dated records, warnings
	dated  *widget.Check
	detail *detailPane

	data   calendarData
	form   *form
	cur    *model.Appointment // the appointment open on the right
	curOcc time.Time          // the occurrence opened (recurring series)
	curTZ  string             // the zone of the trade show it belongs to, if any
	in     apptInputs
}

// calendarData is what one period's view shows, read off the UI goroutine.
type calendarData struct {
	from, to time.Time
	cals     []model.CalendarInfo
	occ      []model.Occurrence
	items    []model.DatedItem
	clashes  []model.Clash
	clashIDs map[string]bool // appointment ids involved in a double booking
	members  []option
}

type apptInputs struct {
	title, startDate, startTime, endDate, endTime, location, description, until, count, email *widgets.Entry
	allDay                                                                                    *widget.Check
	calendar, zone, owner, status, repeat, ends, reminder, member                             *choice
	account, deal, event, contact, attendee                                                   *recordPicker
	attendees                                                                                 []string
	people                                                                                    *fyne.Container
	warn                                                                                      *widget.Label
	scope                                                                                     string // "series", "occurrence" or "" for a single appointment
	lastCheck                                                                                 string
}

const (
	viewDay   = "day"
	viewWeek  = "week"
	viewMonth = "month"
)

func newCalendarScreen(a *App) screen {
	s := &calendarScreen{a: a, anchor: a.store.Now(), detail: newDetailPane("cal.empty")}
	s.view = newChoice([]option{{viewDay, lang.L("cal.view.day")}, {viewWeek, lang.L("cal.view.week")}, {viewMonth, lang.L("cal.view.month")}},
		a.setting("ui.calendar.view", viewWeek), func(v string) {
			a.store.SetSetting(a.ctx, "ui.calendar.view", v)
			s.reload()
		})
	s.period = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.step(-1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.step(1) })
	today := widget.NewButton(lang.L("cal.today"), func() { s.anchor = a.store.Now(); s.reload() })
	newBtn := widget.NewButtonWithIcon(lang.L("cal.new"), theme.ContentAddIcon(), s.newRecord)
	importBtn := widget.NewButtonWithIcon(lang.L("cal.import"), theme.FolderOpenIcon(), s.onImport)
	exportBtn := widget.NewButtonWithIcon(lang.L("cal.export"), theme.DocumentSaveIcon(), s.onExport)
	bar := container.NewBorder(nil, nil, container.NewHBox(prev, today, next, s.period), container.NewHBox(newBtn, importBtn, exportBtn,
		container.NewGridWrap(fyne.NewSize(130, s.view.MinSize().Height), s.view)))
	s.dated = widget.NewCheck(lang.L("cal.show_dated"), nil)
	s.dated.SetChecked(a.setting("ui.calendar.dated", "true") == "true")
	s.dated.OnChanged = func(on bool) {
		a.store.SetSetting(a.ctx, "ui.calendar.dated", strconv.FormatBool(on))
		s.draw()
	}
	s.side = container.NewVBox()
	s.body = container.NewStack()
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(180, 0)) // the calendars column keeps its width
	left := container.NewStack(width, container.NewVScroll(s.side))
	main := container.NewHSplit(container.NewBorder(nil, nil, left, nil, s.body), s.detail.scroll)
	main.Offset = 0.72
	s.box = container.NewBorder(bar, nil, nil, nil, main)
	startReminders(a)
	return s
}

func (s *calendarScreen) id() string                 { return "calendar" }
func (s *calendarScreen) title() string              { return lang.L("nav.calendar") }
func (s *calendarScreen) icon() fyne.Resource        { return theme.CalendarIcon() }
func (s *calendarScreen) content() fyne.CanvasObject { return s.box }
func (s *calendarScreen) kinds() []model.Kind        { return []model.Kind{model.KindAppointment} }

func (s *calendarScreen) refresh() { s.reload() }

// step moves the period back or forth by one day, week or month.
func (s *calendarScreen) step(n int) {
	switch s.view.Value() {
	case viewDay:
		s.anchor = s.anchor.AddDate(0, 0, n)
	case viewMonth:
		y, m, _ := s.anchor.In(s.a.fmt.loc).Date()
		s.anchor = time.Date(y, m+time.Month(n), 15, 12, 0, 0, 0, s.a.fmt.loc)
	default:
		s.anchor = s.anchor.AddDate(0, 0, 7*n)
	}
	s.reload()
}

// firstDay is the first day of the week: Monday in French, Sunday in English.
func (s *calendarScreen) firstDay() time.Weekday {
	if s.a.fmt.fr() {
		return time.Monday
	}
	return time.Sunday
}

// rangeOf is the period the current view shows.
func (s *calendarScreen) rangeOf() (time.Time, time.Time) {
	loc := s.a.fmt.loc
	switch s.view.Value() {
	case viewDay:
		d := startOfDay(s.anchor.In(loc))
		return d, d.AddDate(0, 0, 1)
	case viewMonth:
		return model.MonthRange(s.anchor, loc, s.firstDay())
	}
	return model.WeekRange(s.anchor, loc, s.firstDay())
}

// reload reads the period's data in the background, then draws it.
func (s *calendarScreen) reload() {
	a := s.a
	from, to := s.rangeOf()
	a.load(func(ctx context.Context) func() {
		d, err := loadCalendar(ctx, a.store, from, to, a.fmt.loc)
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.data = d
			s.draw()
		}
	})
}

func loadCalendar(ctx context.Context, st *model.Store, from, to time.Time, loc *time.Location) (calendarData, error) {
	d := calendarData{from: from, to: to, clashIDs: map[string]bool{}}
	var err error
	if d.cals, err = st.Calendars(ctx); err != nil {
		return d, err
	}
	visible := []string{}
	for _, c := range d.cals {
		if !c.Hidden {
			visible = append(visible, c.Name)
		}
	}
	if len(d.cals) == 0 {
		visible = nil // nothing configured yet: the default calendar
	}
	if d.occ, err = model.Occurrences(ctx, st.DB(), from, to, model.CalendarFilter{Calendars: visible}); err != nil {
		return d, err
	}
	if d.items, err = model.DatedItems(ctx, st.DB(), model.DateOf(from.In(loc)), model.DateOf(to.In(loc).Add(-time.Second)), loc); err != nil {
		return d, err
	}
	if d.clashes, err = model.DoubleBookings(ctx, st.DB(), from, to); err != nil {
		return d, err
	}
	for _, c := range d.clashes {
		d.clashIDs[c.First.ID], d.clashIDs[c.Second.ID] = true, true
	}
	d.members, err = memberOptions(ctx, st)
	return d, err
}

// colorOf is the calendar's colour, parsed from "#RRGGBB".
func (s *calendarScreen) colorOf(name string) color.Color {
	hex := model.DefaultCalendarColor(name)
	for _, c := range s.data.cals {
		if c.Name == name && c.Color != "" {
			hex = c.Color
		}
	}
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return theme.Color(theme.ColorNamePrimary)
	}
	return color.NRGBA{R: r, G: g, B: b, A: 255}
}

// calendarName is how a calendar is named on screen ("" is the default one).
func calendarName(name string) string {
	if name == "" {
		return lang.L("cal.default_calendar")
	}
	return name
}

// draw rebuilds the side panel and the view from s.data.
func (s *calendarScreen) draw() {
	s.drawSide()
	loc := s.a.fmt.loc
	from, to := s.data.from, s.data.to
	switch s.view.Value() {
	case viewMonth:
		mid := from.AddDate(0, 0, 15).In(loc)
		name := []rune(monthName(mid.Month()))
		s.period.SetText(strings.ToUpper(string(name[:1])) + string(name[1:]) + " " + strconv.Itoa(mid.Year()))
		s.body.Objects = []fyne.CanvasObject{s.monthView()}
	case viewDay:
		s.period.SetText(s.dayTitle(from))
		s.body.Objects = []fyne.CanvasObject{s.timeView(1)}
	default:
		s.period.SetText(s.a.fmt.Day(from) + " – " + s.a.fmt.Day(to.Add(-time.Second)))
		s.body.Objects = []fyne.CanvasObject{s.timeView(7)}
	}
	s.body.Refresh()
}

func monthName(m time.Month) string { return lang.L("cal.month." + strconv.Itoa(int(m))) }

func weekdayShort(d time.Weekday) string { return lang.L("cal.wd." + strconv.Itoa(int(d))) }

func (s *calendarScreen) dayTitle(t time.Time) string {
	t = t.In(s.a.fmt.loc)
	return weekdayShort(t.Weekday()) + " " + s.a.fmt.Day(t)
}

func (s *calendarScreen) drawSide() {
	a := s.a
	objs := []fyne.CanvasObject{heading(lang.L("cal.calendars"))}
	cals := s.data.cals
	if len(cals) == 0 {
		cals = []model.CalendarInfo{{Name: "", Color: model.DefaultCalendarColor("")}}
	}
	for _, c := range cals {
		c := c
		swatch := canvas.NewRectangle(s.colorOf(c.Name))
		swatch.CornerRadius = 3
		swatch.SetMinSize(fyne.NewSize(12, 12))
		label := calendarName(c.Name)
		if c.Source == model.CalendarFeed {
			label += " " + lang.L("cal.read_only")
		}
		chk := widget.NewCheck(label, nil)
		chk.SetChecked(!c.Hidden) // before OnChanged: drawing must not write
		chk.OnChanged = func(on bool) {
			if err := a.store.SetCalendarHidden(a.ctx, c.Name, !on); err != nil {
				a.showError(err)
				return
			}
			s.reload()
		}
		objs = append(objs, container.NewBorder(nil, nil, container.NewCenter(swatch), nil, chk))
	}
	objs = append(objs, widget.NewSeparator(), s.dated,
		widget.NewButtonWithIcon(lang.L("calacc.open"), theme.SettingsIcon(), s.onAccounts))
	if n := len(s.data.clashes); n > 0 {
		warn := widget.NewButtonWithIcon(lang.L("cal.clashes", map[string]any{"Count": n}), theme.WarningIcon(), s.showClashes)
		warn.Importance = widget.DangerImportance
		objs = append(objs, widget.NewSeparator(), warn)
	}
	s.side.Objects = objs
	s.side.Refresh()
}

// showClashes lists the period's double bookings on the right.
func (s *calendarScreen) showClashes() {
	objs := []fyne.CanvasObject{title(lang.L("cal.clashes_title"))}
	for _, c := range s.data.clashes {
		who := optionLabel(s.data.members, c.MemberID)
		objs = append(objs, mutedPara(lang.L("cal.clash_line", map[string]any{"Who": who,
			"First": c.First.Title, "Second": c.Second.Title, "When": s.a.fmt.DateTime(c.Second.Start)})))
	}
	s.detail.set(objs...)
}

// segment is the part of an occurrence that falls on one day column.
type segment struct {
	occ      model.Occurrence
	day      int
	from, to float64 // minutes since the column's midnight
	lane     int
	lanes    int
}

// timeView is the day or week grid: a header of days, a strip of all-day
// appointments and dated records, and the hours with timed appointments.
func (s *calendarScreen) timeView(days int) fyne.CanvasObject {
	loc := s.a.fmt.loc
	start := startOfDay(s.data.from.In(loc))
	dayStart := func(i int) time.Time { return time.Date(start.Year(), start.Month(), start.Day()+i, 0, 0, 0, 0, loc) }
	var segs []segment
	allDay := make([][]fyne.CanvasObject, days)
	for _, o := range s.data.occ {
		o := o
		if o.Appt.AllDay {
			for i := 0; i < days; i++ {
				day := model.DateOf(dayStart(i))
				first, last := model.DateOf(o.Start.UTC()), model.DateOf(o.End.UTC().Add(-time.Second))
				if !day.Before(first) && !last.Before(day) {
					allDay[i] = append(allDay[i], s.chip(o, o.Appt.Title, ""))
				}
			}
			continue
		}
		for i := 0; i < days; i++ {
			d0, d1 := dayStart(i), dayStart(i+1)
			if !o.Start.Before(d1) || !(o.End.After(d0) || (o.End.Equal(o.Start) && !o.Start.Before(d0))) {
				continue
			}
			from := max(o.Start.Sub(d0).Minutes(), 0)
			to := min(o.End.Sub(d0).Minutes(), d1.Sub(d0).Minutes())
			segs = append(segs, segment{occ: o, day: i, from: from, to: max(to, from+20)})
		}
	}
	if s.dated.Checked {
		// At most a few dated records a day, so the hours stay in view; the
		// day view and the month's "+n" show them all.
		limit := 3
		if days == 1 {
			limit = 12
		}
		extra := make([]int, days)
		for _, it := range s.data.items {
			it := it
			for i := 0; i < days; i++ {
				if model.DateOf(dayStart(i)) != it.Date {
					continue
				}
				if len(allDay[i]) < limit {
					allDay[i] = append(allDay[i], s.datedChip(it))
				} else {
					extra[i]++
				}
			}
		}
		for i, n := range extra {
			if n > 0 {
				i := i
				more := widget.NewButton(lang.L("cal.more", map[string]any{"Count": n}), func() {
					s.anchor = dayStart(i).Add(12 * time.Hour)
					s.view.SetValue(viewDay)
				})
				more.Importance = widget.LowImportance
				allDay[i] = append(allDay[i], more)
			}
		}
	}
	assignLanes(segs)

	const gutter = 48
	header := container.NewGridWithColumns(days)
	strip := container.NewGridWithColumns(days)
	now := s.a.store.Now()
	for i := 0; i < days; i++ {
		head := weekdayShort(dayStart(i).Weekday()) + " " + strconv.Itoa(dayStart(i).Day())
		if days == 1 {
			head = s.dayTitle(dayStart(i))
		}
		l := widget.NewLabelWithStyle(head, fyne.TextAlignCenter, fyne.TextStyle{Bold: model.DateOf(dayStart(i)) == model.DateOf(now.In(loc))})
		l.Truncation = fyne.TextTruncateEllipsis
		header.Add(l)
		col := container.NewVBox(allDay[i]...)
		strip.Add(col)
	}
	spacer := func() fyne.CanvasObject { return container.NewGridWrap(fyne.NewSize(gutter, 1)) }
	top := container.NewVBox(container.NewBorder(nil, nil, spacer(), nil, header), container.NewBorder(nil, nil, spacer(), nil, strip), widget.NewSeparator())

	hourH := float32(44)
	lay := &timeGridLayout{days: days, hourH: hourH, gutter: gutter}
	grid := container.New(lay)
	lineColor := theme.Color(theme.ColorNameSeparator)
	for h := 0; h < 24; h++ {
		line := canvas.NewLine(lineColor)
		lay.items = append(lay.items, gridItem{kind: gridHourLine, from: float64(h * 60)})
		grid.Add(line)
		t := canvas.NewText(s.a.fmt.Clock(time.Date(2000, 1, 1, h, 0, 0, 0, loc)), theme.Color(theme.ColorNamePlaceHolder))
		t.TextSize = theme.CaptionTextSize()
		lay.items = append(lay.items, gridItem{kind: gridHourLabel, from: float64(h * 60)})
		grid.Add(t)
	}
	for i := 1; i < days; i++ {
		lay.items = append(lay.items, gridItem{kind: gridDayLine, day: i})
		grid.Add(canvas.NewLine(lineColor))
	}
	for _, sg := range segs {
		o := sg.occ
		when := s.a.fmt.Clock(o.Start) + "–" + s.a.fmt.Clock(o.End)
		sub := when
		if o.Appt.Location != "" {
			sub += " · " + o.Appt.Location
		}
		if o.EventTZ != "" && o.EventTZ != loc.String() {
			if l, err := model.LoadZone(o.EventTZ); err == nil {
				sub = lang.L("cal.show_time", map[string]any{"Time": o.Start.In(l).Format("15:04")}) + " · " + sub
			}
		}
		lay.items = append(lay.items, gridItem{kind: gridBlock, day: sg.day, from: sg.from, to: sg.to, lane: sg.lane, lanes: sg.lanes})
		grid.Add(s.chip(o, o.Appt.Title, sub))
	}
	if n := now.In(loc); !n.Before(s.data.from) && n.Before(s.data.to) {
		d := int(startOfDay(n).Sub(start).Hours()/24 + 0.5)
		red := canvas.NewLine(theme.Color(theme.ColorNameError))
		red.StrokeWidth = 2
		lay.items = append(lay.items, gridItem{kind: gridNow, day: d, from: n.Sub(startOfDay(n)).Minutes()})
		grid.Add(red)
	}
	scroll := container.NewVScroll(grid)
	scroll.Offset = fyne.NewPos(0, 7*hourH) // the working day first
	return container.NewBorder(top, nil, nil, nil, scroll)
}

// assignLanes puts overlapping segments of a day side by side.
func assignLanes(segs []segment) {
	sort.SliceStable(segs, func(i, j int) bool {
		if segs[i].day != segs[j].day {
			return segs[i].day < segs[j].day
		}
		return segs[i].from < segs[j].from
	})
	for i := 0; i < len(segs); {
		// A cluster: segments of one day chained by overlaps.
		j, end := i, segs[i].to
		for j+1 < len(segs) && segs[j+1].day == segs[i].day && segs[j+1].from < end {
			j++
			end = max(end, segs[j].to)
		}
		var laneEnds []float64
		for k := i; k <= j; k++ {
			placed := false
			for l, e := range laneEnds {
				if e <= segs[k].from {
					segs[k].lane, laneEnds[l], placed = l, segs[k].to, true
					break
				}
			}
			if !placed {
				segs[k].lane = len(laneEnds)
				laneEnds = append(laneEnds, segs[k].to)
			}
		}
		for k := i; k <= j; k++ {
			segs[k].lanes = len(laneEnds)
		}
		i = j + 1
	}
}

type gridKind int

const (
	gridHourLine gridKind = iota
	gridHourLabel
	gridDayLine
	gridBlock
	gridNow
)

type gridItem struct {
	kind        gridKind
	day         int
	from, to    float64
	lane, lanes int
}

// timeGridLayout places hour lines, labels and appointment blocks by time.
type timeGridLayout struct {
	days   int
	hourH  float32
	gutter float32
	items  []gridItem
}

func (l *timeGridLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.gutter+float32(l.days)*60, 24*l.hourH)
}

func (l *timeGridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	colW := (size.Width - l.gutter) / float32(l.days)
	y := func(min float64) float32 { return float32(min/60) * l.hourH }
	for i, o := range objs {
		if i >= len(l.items) {
			break
		}
		it := l.items[i]
		switch it.kind {
		case gridHourLine:
			o.Move(fyne.NewPos(l.gutter, y(it.from)))
			o.Resize(fyne.NewSize(size.Width-l.gutter, 0))
		case gridHourLabel:
			o.Move(fyne.NewPos(2, y(it.from)+1))
			o.Resize(o.MinSize())
		case gridDayLine:
			x := l.gutter + float32(it.day)*colW
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(0, size.Height))
		case gridNow:
			o.Move(fyne.NewPos(l.gutter+float32(it.day)*colW, y(it.from)))
			o.Resize(fyne.NewSize(colW, 0))
		case gridBlock:
			w := colW / float32(max(it.lanes, 1))
			o.Move(fyne.NewPos(l.gutter+float32(it.day)*colW+float32(it.lane)*w+1, y(it.from)+1))
			o.Resize(fyne.NewSize(w-2, max(y(it.to)-y(it.from)-2, 16)))
		}
	}
}

// monthView is the month grid: whole weeks, up to three entries a day and
// "+n more" that opens the day.
func (s *calendarScreen) monthView() fyne.CanvasObject {
	loc := s.a.fmt.loc
	start := startOfDay(s.data.from.In(loc))
	days := int(s.data.to.Sub(s.data.from).Hours()/24 + 0.5)
	byDay := make([][]fyne.CanvasObject, days)
	counts := make([]int, days)
	dayIndex := func(t time.Time) int { return int(startOfDay(t.In(loc)).Sub(start).Hours()/24 + 0.5) }
	add := func(i int, o fyne.CanvasObject) {
		if i < 0 || i >= days {
			return
		}
		counts[i]++
		if len(byDay[i]) < 3 {
			byDay[i] = append(byDay[i], o)
		}
	}
	for _, o := range s.data.occ {
		o := o
		if o.Appt.AllDay {
			for d := model.DateOf(o.Start.UTC()); d.Before(model.DateOf(o.End.UTC())); d = d.AddDays(1) {
				add(dayIndex(d.Time(loc)), s.chip(o, o.Appt.Title, ""))
			}
			continue
		}
		add(dayIndex(o.Start), s.chip(o, s.a.fmt.Clock(o.Start)+" "+o.Appt.Title, ""))
	}
	if s.dated.Checked {
		for _, it := range s.data.items {
			add(dayIndex(it.Date.Time(loc)), s.datedChip(it))
		}
	}
	head := container.NewGridWithColumns(7)
	for i := 0; i < 7; i++ {
		head.Add(widget.NewLabelWithStyle(weekdayShort(start.AddDate(0, 0, i).Weekday()), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
	}
	grid := container.NewGridWithColumns(7)
	month := s.anchor.In(loc).Month()
	today := model.DateOf(s.a.store.Now().In(loc))
	for i := 0; i < days; i++ {
		i := i
		day := start.AddDate(0, 0, i)
		openDay := func() {
			s.anchor = day.Add(12 * time.Hour)
			s.view.SetValue(viewDay) // reloads
		}
		numFill, numText := color.Color(color.Transparent), theme.Color(theme.ColorNameForeground)
		if model.DateOf(day) == today {
			numFill, numText = theme.Color(theme.ColorNamePrimary), color.White
		}
		num := newApptChip(strconv.Itoa(day.Day()), "", numFill, openDay)
		num.fg = numText
		objs := []fyne.CanvasObject{num}
		if counts[i] > 3 {
			byDay[i] = byDay[i][:2] // two entries and "+n more" fill the cell
		}
		objs = append(objs, byDay[i]...)
		if more := counts[i] - len(byDay[i]); more > 0 {
			m := newApptChip(lang.L("cal.more", map[string]any{"Count": more}), "", color.Transparent, openDay)
			m.fg = theme.Color(theme.ColorNamePlaceHolder)
			objs = append(objs, m)
		}
		bg := canvas.NewRectangle(color.Transparent)
		if day.Month() != month {
			bg.FillColor = theme.Color(theme.ColorNameInputBackground)
		}
		bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
		bg.StrokeWidth = 1
		grid.Add(container.NewStack(bg, container.New(&stackRows{gap: 2, pad: 3}, objs...)))
	}
	return container.NewBorder(head, nil, nil, nil, container.NewVScroll(grid))
}

// chip is one appointment on the calendar, in its calendar's colour; it
// opens the appointment when tapped.
func (s *calendarScreen) chip(o model.Occurrence, text, sub string) fyne.CanvasObject {
	c := newApptChip(text, sub, s.colorOf(o.Appt.Calendar), func() { s.openOccurrence(o) })
	c.clash = s.data.clashIDs[o.Appt.ID]
	c.faded = o.Appt.Status == "tentative" || o.Appt.Status == "cancelled"
	return c
}

// datedChip is a dated record (task, issue, deal) shown on its day.
func (s *calendarScreen) datedChip(it model.DatedItem) fyne.CanvasObject {
	return newApptChip(lang.L("cal.dated."+it.What, map[string]any{"Title": it.Title}), "", theme.Color(theme.ColorNameDisabled), func() { s.a.Open(it.Kind, it.ID) })
}

// apptChip is a coloured block with white text; it shortens its text to fit.
type apptChip struct {
	widget.BaseWidget
	text, sub    string
	fill         color.Color
	fg           color.Color // text colour; nil is white
	clash, faded bool
	onTap        func()
}

func newApptChip(text, sub string, fill color.Color, tap func()) *apptChip {
	c := &apptChip{text: text, sub: sub, fill: fill, onTap: tap}
	c.ExtendBaseWidget(c)
	return c
}

// Tapped implements fyne.Tappable.
func (c *apptChip) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

func (c *apptChip) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(c.fill)
	bg.CornerRadius = 4
	if c.faded {
		r, g, b, _ := c.fill.RGBA()
		bg.FillColor = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 140}
	}
	if c.clash {
		bg.StrokeColor = theme.Color(theme.ColorNameError)
		bg.StrokeWidth = 2
	}
	fg := c.fg
	if fg == nil {
		fg = color.White
	}
	t := canvas.NewText(c.text, fg)
	t.TextSize = theme.CaptionTextSize() + 1
	t.TextStyle = fyne.TextStyle{Bold: true}
	sub := canvas.NewText(c.sub, fg)
	sub.TextSize = theme.CaptionTextSize()
	return &chipRenderer{c: c, bg: bg, t: t, s: sub}
}

type chipRenderer struct {
	c    *apptChip
	bg   *canvas.Rectangle
	t, s *canvas.Text
}

func (r *chipRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	const pad = 4
	r.t.Text = fitText(r.c.text, size.Width-2*pad, r.t.TextSize, r.t.TextStyle)
	r.t.Move(fyne.NewPos(pad, 1))
	r.t.Resize(fyne.NewSize(size.Width-2*pad, r.t.MinSize().Height))
	r.s.Text = ""
	if size.Height >= 2*r.t.MinSize().Height {
		r.s.Text = fitText(r.c.sub, size.Width-2*pad, r.s.TextSize, r.s.TextStyle)
	}
	r.s.Move(fyne.NewPos(pad, r.t.MinSize().Height))
	r.s.Resize(fyne.NewSize(size.Width-2*pad, r.s.MinSize().Height))
}

func (r *chipRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("Ag", r.t.TextSize, r.t.TextStyle).Height + 2
	return fyne.NewSize(20, h)
}

func (r *chipRenderer) Refresh() {
	r.bg.Refresh()
	r.t.Refresh()
	r.s.Refresh()
}

func (r *chipRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.t, r.s} }
func (r *chipRenderer) Destroy()                     {}

// fitText shortens s with an ellipsis so that it is at most w wide.
func fitText(s string, w, size float32, style fyne.TextStyle) string {
	if w <= 0 || fyne.MeasureText(s, size, style).Width <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, style).Width <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

// openRecord implements recordOpener.
func (s *calendarScreen) openRecord(_ model.Kind, id string) {
	s.a.load(func(ctx context.Context) func() {
		var ap model.Appointment
		err := s.a.store.Get(ctx, id, &ap)
		if err == nil && ap.Deleted() {
			err = model.ErrNotFound
		}
		return func() {
			if err != nil {
				s.a.showError(err)
				return
			}
			s.anchor, s.curTZ = ap.Start, ""
			s.reload()
			s.showAppointment(&ap, time.Time{})
		}
	})
}

func (s *calendarScreen) openOccurrence(o model.Occurrence) {
	s.form = nil
	s.curTZ = o.EventTZ
	ap := *o.Appt
	if o.RecurrenceID.IsZero() || !ap.RecurrenceID.IsZero() {
		s.showAppointment(&ap, ap.RecurrenceID)
		return
	}
	s.showAppointment(&ap, o.RecurrenceID)
}

// readOnly reports whether the appointment belongs to a feed.
func (s *calendarScreen) readOnly(ap *model.Appointment) bool {
	for _, c := range s.data.cals {
		if c.Name == ap.Calendar && c.Source == model.CalendarFeed {
			return true
		}
	}
	return false
}

// showAppointment shows an appointment (occ: the occurrence of a series,
// zero for a single one) with its times in the user's, the appointment's
// and the trade show's zones, people, links and double bookings.
func (s *calendarScreen) showAppointment(ap *model.Appointment, occ time.Time) {
	a := s.a
	s.cur, s.curOcc, s.form = ap, occ, nil
	start, end := ap.Start, ap.End
	if !occ.IsZero() && ap.RecurrenceID.IsZero() {
		start, end = occ, occ.Add(ap.End.Sub(ap.Start))
	}
	objs := []fyne.CanvasObject{title(ap.Title)}
	objs = append(objs, muted(s.whenText(ap, start, end)))
	if ap.TZ != "" && !ap.AllDay && ap.TZ != a.fmt.loc.String() {
		if l, err := model.LoadZone(ap.TZ); err == nil {
			objs = append(objs, muted(lang.L("cal.in_zone", map[string]any{"Zone": ap.TZ, "Time": start.In(l).Format("15:04") + "–" + end.In(l).Format("15:04")})))
		}
	}
	if s.curTZ != "" && s.curTZ != a.fmt.loc.String() && s.curTZ != ap.TZ && ap.EventID != "" && !ap.AllDay {
		if l, err := model.LoadZone(s.curTZ); err == nil {
			objs = append(objs, muted(lang.L("cal.at_show", map[string]any{"Zone": s.curTZ, "Time": start.In(l).Format("15:04") + "–" + end.In(l).Format("15:04")})))
		}
	}
	ps := []pair{{"cal.location", ap.Location}, {"cal.calendar", calendarName(ap.Calendar)}}
	if ap.Recurring() || !ap.RecurrenceID.IsZero() {
		ps = append(ps, pair{"cal.repeat", describeRule(ap.RRule)})
	}
	ps = append(ps, pair{"field.status", lang.L("cal.status." + normStatus(ap.Status))})
	if ap.OwnerID != "" {
		ps = append(ps, pair{"field.owner_id", optionLabel(s.data.members, ap.OwnerID)})
	}
	objs = append(objs, pairs(ps...))
	if ap.Description != "" {
		objs = append(objs, mutedPara(ap.Description))
	}
	var people []link
	for _, ref := range ap.Attendees {
		kind, id, _ := strings.Cut(ref, ":")
		switch kind {
		case "contact":
			people = append(people, link{kind: model.KindContact, id: id, label: recordLabel(a, model.KindContact, id)})
		case "member":
			people = append(people, link{kind: model.KindTeamMember, id: id, label: optionLabel(s.data.members, id)})
		default:
			people = append(people, link{label: id})
		}
	}
	objs = append(objs, a.links("cal.attendees", people))
	var ls []link
	for _, l := range []struct {
		k  model.Kind
		id string
	}{{model.KindContact, ap.ContactID}, {model.KindAccount, ap.AccountID}, {model.KindDeal, ap.DealID}, {model.KindEvent, ap.EventID}} {
		if l.id != "" {
			ls = append(ls, link{kind: l.k, id: l.id, label: recordLabel(a, l.k, l.id), note: lang.L("kind." + string(l.k))})
		}
	}
	if len(ls) > 0 {
		objs = append(objs, a.links("cal.links", ls))
	}
	warn := widget.NewLabel("")
	warn.Importance = widget.DangerImportance
	warn.Wrapping = fyne.TextWrapWord
	warn.Hide()
	objs = append(objs, warn)
	s.checkClashes(ap, warn)
	if !s.readOnly(ap) {
		edit := widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), func() { s.startForm(ap, occ, "") })
		del := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), func() { s.onDelete(ap, occ) })
		del.Importance = widget.DangerImportance
		buttons := container.NewHBox(edit)
		if ap.Recurring() && !occ.IsZero() {
			edit.SetText(lang.L("cal.edit_occurrence"))
			edit.OnTapped = func() { s.startForm(ap, occ, "occurrence") }
			buttons.Add(widget.NewButtonWithIcon(lang.L("cal.edit_series"), theme.DocumentCreateIcon(), func() { s.startForm(ap, time.Time{}, "series") }))
		}
		exp := widget.NewButtonWithIcon(lang.L("cal.export_one"), theme.DocumentSaveIcon(), func() { s.exportOne(ap) })
		buttons.Add(exp)
		buttons.Add(del)
		objs = append(objs, buttons)
	} else {
		objs = append(objs, muted(lang.L("cal.feed_read_only")))
	}
	s.detail.set(objs...)
}

func normStatus(st string) string {
	if st == "" {
		return "confirmed"
	}
	return st
}

// whenText is "Mon 30/11/2026, 09:00–10:00" in the user's zone, or the dates of an all-day appointment.
func (s *calendarScreen) whenText(ap *model.Appointment, start, end time.Time) string {
	f := s.a.fmt
	if ap.AllDay {
		last := model.DateOf(end.UTC().Add(-time.Second))
		if last == model.DateOf(start.UTC()) {
			return lang.L("cal.all_day_on", map[string]any{"Date": f.Date(last)})
		}
		return lang.L("cal.all_day_from", map[string]any{"From": f.Date(model.DateOf(start.UTC())), "To": f.Date(last)})
	}
	text := s.dayTitle(start) + ", " + f.Clock(start) + "–" + f.Clock(end)
	if model.DateOf(start.In(f.loc)) != model.DateOf(end.In(f.loc)) {
		text = s.dayTitle(start) + " " + f.Clock(start) + " – " + s.dayTitle(end) + " " + f.Clock(end)
	}
	return text
}

// describeRule says how a series repeats, in words.
func describeRule(rule string) string {
	if rule == "" {
		return lang.L("cal.repeat.none")
	}
	freq, until, count := parseRule(rule)
	text := lang.L("cal.repeat." + strings.ToLower(freq))
	switch {
	case until != "":
		if d, err := time.Parse("20060102", until[:min(8, len(until))]); err == nil {
			text += ", " + lang.L("cal.until", map[string]any{"Date": d.Format("02/01/2006")})
		}
	case count > 0:
		text += ", " + lang.L("cal.times", map[string]any{"Count": count})
	}
	return text
}

// parseRule reads the parts of an RRULE the form edits.
func parseRule(rule string) (freq, until string, count int) {
	for _, p := range strings.Split(rule, ";") {
		k, v, _ := strings.Cut(p, "=")
		switch strings.ToUpper(k) {
		case "FREQ":
			freq = strings.ToUpper(v)
		case "UNTIL":
			until = v
		case "COUNT":
			count, _ = strconv.Atoi(v)
		}
	}
	return freq, until, count
}

// checkClashes warns, in warn, about double bookings the appointment causes.
func (s *calendarScreen) checkClashes(ap *model.Appointment, warn *widget.Label) {
	a := s.a
	probe := *ap
	a.load(func(ctx context.Context) func() {
		cs, err := model.ClashesFor(ctx, a.store.DB(), &probe)
		members := s.data.members
		return func() {
			if err != nil || len(cs) == 0 {
				warn.Hide()
				return
			}
			var lines []string
			for i, c := range cs {
				if i == 3 {
					lines = append(lines, lang.L("cal.more", map[string]any{"Count": len(cs) - 3}))
					break
				}
				lines = append(lines, lang.L("cal.clash_line", map[string]any{"Who": optionLabel(members, c.MemberID), "First": c.First.Title,
					"Second": c.Second.Title, "When": a.fmt.DateTime(c.Second.Start)}))
			}
			warn.SetText(lang.L("cal.double_booked") + "\n" + strings.Join(lines, "\n"))
			warn.Show()
		}
	})
}

// newRecord starts a new appointment at the next round hour of the day shown.
func (s *calendarScreen) newRecord() {
	a := s.a
	loc := a.fmt.loc
	base := s.anchor.In(loc)
	now := a.store.Now().In(loc)
	start := time.Date(base.Year(), base.Month(), base.Day(), now.Hour()+1, 0, 0, 0, loc)
	cal := ""
	for _, c := range s.data.cals {
		if !c.Hidden && c.Source != model.CalendarFeed {
			cal = c.Name
			break
		}
	}
	ap := &model.Appointment{Start: start.UTC(), End: start.Add(time.Hour).UTC(), TZ: loc.String(), Calendar: cal, OwnerID: a.setting(model.SettingMe, ""), Status: "confirmed"}
	if ap.TZ == "Local" {
		ap.TZ = ""
	}
	s.cur, s.curOcc = nil, time.Time{}
	s.startForm(ap, time.Time{}, "")
}

// zoneOptions are the zones offered for an appointment: the user's, the
// appointment's own, and those of the places a sales team travels to most.
func zoneOptions(current, user string) []option {
	names := []string{user, current, "Europe/Paris", "Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Zurich",
		"America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Dubai", "Asia/Shanghai", "Asia/Tokyo",
		"Asia/Singapore", "Australia/Sydney", "UTC"}
	var out []option
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || n == "Local" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, option{n, strings.ReplaceAll(n, "_", " ")})
	}
	return out
}

// startForm edits ap. scope "occurrence" edits the occurrence at occ only
// (saved as an override), "series" the whole series.
func (s *calendarScreen) startForm(ap *model.Appointment, occ time.Time, scope string) {
	a := s.a
	f := newForm(a, model.KindAppointment)
	in := &s.in
	*in = apptInputs{scope: scope}
	zoneName := ap.TZ
	if zoneName == "" && !ap.AllDay {
		zoneName = "UTC"
	}
	loc := ap.Zone()
	start, end := ap.Start, ap.End
	if scope == "occurrence" {
		start, end = occ, occ.Add(ap.End.Sub(ap.Start))
	}
	dateOf := func(t time.Time) model.Date {
		if ap.AllDay {
			return model.DateOf(t.UTC())
		}
		return model.DateOf(t.In(loc))
	}
	lastDay := end
	if ap.AllDay {
		lastDay = end.Add(-time.Second)
	}
	in.title = f.entry("title", "field.title", ap.Title)
	var calOpts []option
	seen := map[string]bool{}
	for _, c := range s.data.cals {
		if c.Source != model.CalendarFeed {
			calOpts = append(calOpts, option{c.Name, calendarName(c.Name)})
			seen[c.Name] = true
		}
	}
	if !seen[ap.Calendar] {
		calOpts = append(calOpts, option{ap.Calendar, calendarName(ap.Calendar)})
	}
	in.calendar = f.choice("calendar", "cal.calendar", calOpts, ap.Calendar)
	in.allDay = f.checkbox("all_day", "cal.all_day", ap.AllDay, lang.L("cal.all_day_text"))
	in.startDate = f.date("start_at", "cal.start", dateOf(start))
	in.startTime = f.entry("start_time", "cal.start_time", start.In(loc).Format("15:04"))
	in.endDate = f.date("end_at", "cal.end", dateOf(lastDay))
	in.endTime = f.entry("end_time", "cal.end_time", end.In(loc).Format("15:04"))
	f.alsoShow("start_time", "start_time")
	in.zone = f.choice("tz", "cal.zone", zoneOptions(zoneName, a.fmt.loc.String()), zoneName)
	in.location = f.entry("location", "cal.location", ap.Location)
	in.owner = f.choice("owner_id", "field.owner_id", s.data.members, ap.OwnerID)
	in.status = f.choice("status", "field.status", []option{{"confirmed", lang.L("cal.status.confirmed")}, {"tentative", lang.L("cal.status.tentative")}, {"cancelled", lang.L("cal.status.cancelled")}}, normStatus(ap.Status))
	freq, until, count := parseRule(ap.RRule)
	endsWith := "never"
	switch {
	case until != "":
		endsWith = "until"
	case count > 0:
		endsWith = "count"
	}
	if scope != "occurrence" && ap.RecurrenceID.IsZero() {
		in.repeat = f.choice("rrule", "cal.repeat", []option{{"", lang.L("cal.repeat.none")}, {"DAILY", lang.L("cal.repeat.daily")}, {"WEEKLY", lang.L("cal.repeat.weekly")},
			{"MONTHLY", lang.L("cal.repeat.monthly")}, {"YEARLY", lang.L("cal.repeat.yearly")}}, freq)
		in.ends = f.choice("rrule_end", "cal.ends", []option{{"never", lang.L("cal.ends.never")}, {"until", lang.L("cal.ends.until")}, {"count", lang.L("cal.ends.count")}}, endsWith)
		untilDate := model.Date{}
		if until != "" {
			if d, err := time.Parse("20060102", until[:min(8, len(until))]); err == nil {
				untilDate = model.DateOf(d)
			}
		}
		in.until = f.date("rrule_until", "cal.until_date", untilDate)
		cs := ""
		if count > 0 {
			cs = strconv.Itoa(count)
		}
		in.count = f.entry("rrule_count", "cal.count", cs)
	}
	reminder := ""
	if len(ap.Alarms) > 0 {
		reminder = ap.Alarms[0]
	}
	in.reminder = f.choice("alarms", "cal.reminder", []option{{"", lang.L("cal.reminder.none")}, {"PT0S", lang.L("cal.reminder.at_start")},
		{"-PT5M", lang.L("cal.reminder.min", map[string]any{"Count": 5})}, {"-PT15M", lang.L("cal.reminder.min", map[string]any{"Count": 15})},
		{"-PT30M", lang.L("cal.reminder.min", map[string]any{"Count": 30})}, {"-PT1H", lang.L("cal.reminder.hour")}, {"-P1D", lang.L("cal.reminder.day")}}, reminder)
	in.description = f.multiline("description", "field.description", ap.Description)

	// Attendees: team members, contacts and e-mail addresses.
	in.attendees = append([]string(nil), ap.Attendees...)
	in.people = container.NewVBox()
	in.member = newChoice(append([]option{{"", lang.L("cal.add_member")}}, s.data.members[1:]...), "", func(v string) {
		if v != "" {
			s.addAttendee("member:" + v)
			in.member.SetValue("")
		}
	})
	in.attendee = newRecordPicker(a, model.KindContact, "", func() {
		if id := in.attendee.ID(); id != "" {
			s.addAttendee("contact:" + id)
			in.attendee.Set("")
		}
	})
	in.email = widgets.NewEntry()
	in.email.SetPlaceHolder(lang.L("cal.add_email"))
	in.email.OnSubmitted = func(v string) {
		if v = strings.TrimSpace(v); strings.Contains(v, "@") {
			s.addAttendee("mailto:" + v)
			in.email.SetText("")
		}
	}
	f.add("attendees", "cal.attendees", container.NewVBox(in.people, in.member, in.attendee.content, in.email), nil)
	in.contact = f.picker("contact_id", "field.contact_id", model.KindContact, ap.ContactID)
	in.account = f.picker("account_id", "field.account_id", model.KindAccount, ap.AccountID)
	in.deal = f.picker("deal_id", "cal.deal", model.KindDeal, ap.DealID)
	in.event = f.picker("event_id", "cal.event", model.KindEvent, ap.EventID)
	in.warn = widget.NewLabel("")
	in.warn.Importance = widget.DangerImportance
	in.warn.Wrapping = fyne.TextWrapWord
	in.warn.Hide()
	s.drawAttendees()

	base := *ap
	f.read = func() model.Record { return s.readForm(f, &base, occ) }
	f.onSubmit, f.onCancel = s.save, s.cancel
	s.form = f
	head := lang.L("cal.new")
	if ap.ID != "" {
		head = ap.Title
	}
	objs := []fyne.CanvasObject{title(head)}
	if scope == "occurrence" {
		objs = append(objs, muted(lang.L("cal.editing_occurrence")))
	}
	s.detail.set(append(objs, f.content(), in.warn, formButtons(s.save, s.cancel))...)
	if ap.ID == "" {
		f.focusFirst()
	}
}

func (s *calendarScreen) addAttendee(ref string) {
	for _, x := range s.in.attendees {
		if x == ref {
			return
		}
	}
	s.in.attendees = append(s.in.attendees, ref)
	s.drawAttendees()
	if s.form != nil {
		s.form.check()
	}
}

func (s *calendarScreen) drawAttendees() {
	in := &s.in
	in.people.Objects = nil
	for _, ref := range in.attendees {
		ref := ref
		kind, id, _ := strings.Cut(ref, ":")
		label := id
		switch kind {
		case "contact":
			label = recordLabel(s.a, model.KindContact, id)
		case "member":
			label = optionLabel(s.data.members, id)
		}
		rm := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() {
			for i, x := range in.attendees {
				if x == ref {
					in.attendees = append(in.attendees[:i], in.attendees[i+1:]...)
					break
				}
			}
			s.drawAttendees()
		})
		rm.Importance = widget.LowImportance
		l := widget.NewLabel(label)
		l.Truncation = fyne.TextTruncateEllipsis
		in.people.Add(container.NewBorder(nil, nil, nil, rm, l))
	}
	in.people.Refresh()
}

// parseClock reads "14:30", "14h30", "2:30 PM" or "9".
func parseClock(s string) (int, int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	pm, am := strings.HasSuffix(s, "pm"), strings.HasSuffix(s, "am")
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "pm"), "am"))
	s = strings.NewReplacer("h", ":", ".", ":").Replace(s)
	hs, ms, _ := strings.Cut(s, ":")
	h, err := strconv.Atoi(hs)
	m := 0
	if err == nil && ms != "" {
		m, err = strconv.Atoi(ms)
	}
	if pm && h < 12 {
		h += 12
	}
	if am && h == 12 {
		h = 0
	}
	if err != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, fmt.Errorf("%q is not a time of day", s)
	}
	return h, m, nil
}

// readForm builds the appointment from the inputs.
func (s *calendarScreen) readForm(f *form, base *model.Appointment, occ time.Time) model.Record {
	in := &s.in
	r := *base
	r.Title = strings.TrimSpace(in.title.Text)
	r.Calendar = in.calendar.Value()
	r.AllDay = in.allDay.Checked
	r.TZ = in.zone.Value()
	if r.TZ == "UTC" {
		r.TZ = ""
	}
	r.Location = strings.TrimSpace(in.location.Text)
	r.Description = in.description.Text
	r.OwnerID = in.owner.Value()
	r.Status = in.status.Value()
	r.Attendees = append([]string(nil), in.attendees...)
	r.ContactID, r.AccountID, r.DealID, r.EventID = in.contact.ID(), in.account.ID(), in.deal.ID(), in.event.ID()
	r.Alarms = nil
	if v := in.reminder.Value(); v != "" {
		r.Alarms = []string{v}
	}
	sd, ed := f.dateValue("start_at", in.startDate), f.dateValue("end_at", in.endDate)
	if r.AllDay {
		r.TZ = ""
		r.Start = sd.Time(time.UTC)
		r.End = ed.AddDays(1).Time(time.UTC)
	} else {
		loc := r.Zone()
		sh, sm, err1 := parseClock(in.startTime.Text)
		eh, em, err2 := parseClock(in.endTime.Text)
		if err1 != nil {
			f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: "start_time", Code: "time_format", Msg: err1.Error()})
		}
		if err2 != nil {
			f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: "end_time", Code: "time_format", Msg: err2.Error()})
		}
		if !sd.IsZero() {
			r.Start = time.Date(sd.Year, sd.Month, sd.Day, sh, sm, 0, 0, loc).UTC()
		}
		if !ed.IsZero() {
			r.End = time.Date(ed.Year, ed.Month, ed.Day, eh, em, 0, 0, loc).UTC()
		}
	}
	switch {
	case in.scope == "occurrence":
		r.RRule, r.RDates, r.ExDates = "", nil, nil
		r.RecurrenceID = occ
	case in.repeat != nil:
		r.RRule = ""
		if freq := in.repeat.Value(); freq != "" {
			r.RRule = "FREQ=" + freq
			switch in.ends.Value() {
			case "until":
				if d := f.dateValue("rrule_until", in.until); !d.IsZero() {
					r.RRule += ";UNTIL=" + d.AddDays(1).Time(r.Zone()).UTC().Add(-time.Second).Format("20060102T150405Z")
				}
			case "count":
				n, err := strconv.Atoi(strings.TrimSpace(in.count.Text))
				if err != nil || n < 1 || n > 1000 {
					f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: "rrule_count", Code: model.CodeRange, Msg: "between 1 and 1000"})
				} else {
					r.RRule += ";COUNT=" + strconv.Itoa(n)
				}
			}
			if _, err := model.ParseRRule(r.RRule, r.Start.In(r.Zone())); err != nil {
				f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: "rrule", Code: model.CodeInvalid, Msg: err.Error()})
			}
		}
	}
	s.warnLater(&r)
	return &r
}

// warnLater re-checks double bookings when the times or people changed.
func (s *calendarScreen) warnLater(r *model.Appointment) {
	key := fmt.Sprint(r.Start.Unix(), r.End.Unix(), r.RRule, r.OwnerID, r.Attendees, r.AllDay, r.Status)
	if key == s.in.lastCheck || r.Start.IsZero() || r.End.Before(r.Start) {
		return
	}
	s.in.lastCheck = key
	s.checkClashes(r, s.in.warn)
}

func (s *calendarScreen) save() {
	if s.form == nil {
		return
	}
	a := s.a
	rec, ok := s.form.validate()
	if !ok {
		return
	}
	ap := rec.(*model.Appointment)
	if s.in.scope == "occurrence" {
		// The edited occurrence becomes an override row of the same series.
		ap.Meta = model.Meta{}
		ap.Sequence = 0
		if existing := s.overrideID(ap.UID, ap.RecurrenceID); existing != "" {
			ap.ID = existing
		}
	}
	noOrganizer := false
	err := a.store.Write(a.ctx, func(tx *model.Tx) error {
		_, err := ical.SaveAppointment(tx, ap)
		if errors.Is(err, ical.ErrNoOrganizer) {
			noOrganizer = true
			return nil
		}
		return err
	})
	if err != nil {
		if !s.form.showErrors(err) {
			a.showError(err)
		}
		return
	}
	s.form = nil
	a.changed()
	msg := lang.L("cal.saved", map[string]any{"Title": ap.Title})
	if noOrganizer {
		msg = lang.L("cal.saved_no_invites", map[string]any{"Title": ap.Title})
	}
	a.notify(msg)
	s.anchor = ap.Start
	s.reload()
	s.showAppointment(ap, ap.RecurrenceID)
}

// overrideID finds the override row of uid at rid, if one exists.
func (s *calendarScreen) overrideID(uid string, rid time.Time) string {
	list, err := model.List[model.Appointment](s.a.ctx, s.a.store.DB(), model.Query{Where: "uid = ? AND recurrence_id = ?", Args: []any{uid, model.FormatTime(rid)}, Limit: 1})
	if err != nil || len(list) == 0 {
		return ""
	}
	return list[0].ID
}

func (s *calendarScreen) cancel() {
	if s.form == nil {
		return
	}
	s.form = nil
	if s.cur != nil && s.cur.ID != "" {
		s.showAppointment(s.cur, s.curOcc)
	} else {
		s.detail.set(mutedPara(lang.L("cal.empty")))
	}
}

// onDelete deletes an appointment, or for a series asks whether to delete
// the one occurrence (an EXDATE) or the whole series.
func (s *calendarScreen) onDelete(ap *model.Appointment, occ time.Time) {
	a := s.a
	deleteSeries := func() {
		err := a.store.Write(a.ctx, func(tx *model.Tx) error {
			rows, err := model.List[model.Appointment](a.ctx, tx.SQL(), model.Query{Where: "uid = ?", Args: []any{ap.UID}})
			if err != nil {
				return err
			}
			for _, r := range rows {
				if _, err := ical.DeleteAppointment(tx, r.ID); err != nil && !errors.Is(err, ical.ErrNoOrganizer) {
					return err
				}
			}
			return nil
		})
		s.afterDelete(ap, err)
	}
	if !ap.Recurring() || occ.IsZero() {
		if !ap.RecurrenceID.IsZero() {
			occ = ap.RecurrenceID
		} else {
			deleteSeries()
			return
		}
	}
	deleteOne := func() {
		err := a.store.Write(a.ctx, func(tx *model.Tx) error {
			rows, err := model.List[model.Appointment](a.ctx, tx.SQL(), model.Query{Where: "uid = ?", Args: []any{ap.UID}})
			if err != nil {
				return err
			}
			for _, r := range rows {
				switch {
				case r.Recurring():
					r.ExDates = append(r.ExDates, occ.UTC().Format(time.RFC3339))
					if _, err := ical.SaveAppointment(tx, r); err != nil && !errors.Is(err, ical.ErrNoOrganizer) {
						return err
					}
				case r.RecurrenceID.Equal(occ):
					if err := tx.Delete(model.KindAppointment, r.ID); err != nil {
						return err
					}
				}
			}
			return nil
		})
		s.afterDelete(ap, err)
	}
	d := dialog.NewCustomConfirm(lang.L("cal.delete_title"), lang.L("cal.delete_occurrence"), lang.L("cal.delete_series"),
		widget.NewLabel(lang.L("cal.delete_question")), func(one bool) {
			if one {
				deleteOne()
			} else {
				deleteSeries()
			}
		}, a.win)
	d.Show()
}

func (s *calendarScreen) afterDelete(ap *model.Appointment, err error) {
	if err != nil {
		s.a.showError(err)
		return
	}
	s.cur, s.form = nil, nil
	s.detail.set(mutedPara(lang.L("cal.empty")))
	s.reload()
	s.a.deleted(model.KindAppointment, ap.ID, ap.Title)
}

// onImport imports an .ics file chosen by the user and reports item by item.
func (s *calendarScreen) onImport() {
	a := s.a
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		var rep *ical.Report
		a.runLong(lang.L("cal.import"), func(ctx context.Context, _ model.Progress) error {
			f, err := storage.Reader(storage.NewFileURI(path))
			if err != nil {
				return err
			}
			defer f.Close()
			rep, err = ical.Import(ctx, a.store, f, ical.ImportOptions{Zone: a.fmt.loc})
			return err
		}, func() {
			a.changed()
			s.reload()
			s.showReport(path, rep)
		})
	}, a.win)
}

func (s *calendarScreen) showReport(path string, rep *ical.Report) {
	objs := []fyne.CanvasObject{title(lang.L("cal.import_done")), mutedPara(lang.L("cal.import_counts", map[string]any{
		"Imported": rep.Count(ical.Imported), "Updated": rep.Count(ical.Updated), "Unchanged": rep.Count(ical.Unchanged), "Skipped": rep.Count(ical.Skipped)}))}
	for _, it := range rep.Items {
		if it.Action == ical.Skipped {
			objs = append(objs, mutedPara(it.Component+" "+it.Summary+" — "+it.Reason))
		}
	}
	s.detail.set(objs...)
}

// onExport writes the visible calendars (or all) to an .ics file.
func (s *calendarScreen) onExport() {
	a := s.a
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		n, err := ical.Export(a.ctx, a.store.DB(), w, ical.ExportFilter{All: true})
		if err != nil {
			a.showError(err)
			return
		}
		a.notify(lang.L("cal.exported", map[string]any{"Count": n}))
	}, a.win)
	d.SetFileName("relais.ics")
	d.Show()
}

func (s *calendarScreen) exportOne(ap *model.Appointment) {
	a := s.a
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := ical.Export(a.ctx, a.store.DB(), w, ical.ExportFilter{IDs: []string{ap.ID}}); err != nil {
			a.showError(err)
			return
		}
		a.notify(lang.L("cal.exported", map[string]any{"Count": 1}))
	}, a.win)
	d.SetFileName(strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '-'
		}
		return r
	}, ap.Title) + ".ics")
	d.Show()
}

// reminderLoops remembers the reminder loop of each window, so that
// rebuilding the screens (a language switch) does not start a second one.
var reminderLoops sync.Map // *App -> struct{}

// startReminders shows a desktop notification for each reminder that falls
// due while Relais runs, checking every 30 seconds; every five minutes it
// also refreshes the subscribed feeds that are due and syncs the CalDAV
// calendars (changes made offline go out as soon as a server answers).
func startReminders(a *App) {
	if a.opts.queue != nil { // tests drive the UI goroutine themselves
		return
	}
	if _, running := reminderLoops.LoadOrStore(a, struct{}{}); running {
		return
	}
	go func() {
		defer reminderLoops.Delete(a)
		last := a.store.Now()
		tick := time.NewTicker(30 * time.Second)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-a.ctx.Done():
				return
			case <-tick.C:
			}
			if n%10 == 0 {
				syncCalendars(a)
			}
			now := a.store.Now()
			due, err := model.DueReminders(a.ctx, a.store.DB(), last, now)
			if err != nil {
				fyne.LogError("ui: reminders", err)
				continue
			}
			last = now
			for _, r := range due {
				body := a.fmt.Clock(r.Start)
				if r.Appt.Location != "" {
					body += " · " + r.Appt.Location
				}
				a.fyne.SendNotification(fyne.NewNotification(r.Appt.Title, body))
			}
		}
	}()
}

// stackRows stacks objects at their minimum height with a small gap, and
// hides those that do not fit: a month cell shows what its height allows.
type stackRows struct{ gap, pad float32 }

func (l *stackRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		if i > 1 { // the day number and one entry: the rest may be cut
			break
		}
		m := o.MinSize()
		w, h = max(w, m.Width), h+m.Height+l.gap
	}
	return fyne.NewSize(w+2*l.pad, h+2*l.pad)
}

func (l *stackRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := l.pad
	for _, o := range objs {
		h := o.MinSize().Height
		if y+h > size.Height-l.pad {
			o.Hide()
			continue
		}
		o.Show()
		o.Move(fyne.NewPos(l.pad, y))
		o.Resize(fyne.NewSize(size.Width-2*l.pad, h))
		y += h + l.gap
	}
}

// invitationSender is how queued invitations leave this laptop, as set in
// Settings: through an SMTP server, or as .eml files in a folder for the
// mail client; nil when neither is set (they stay queued, nothing is lost).
func invitationSender(a *App) ical.Sender {
	from := a.setting(settingMailFrom, "")
	if addr := a.setting(settingMailSMTP, ""); addr != "" && from != "" {
		return &ical.SMTPSender{Addr: addr, From: from}
	}
	if dir := a.setting(settingMailDir, ""); dir != "" {
		return &ical.DirSender{Dir: dir, From: from}
	}
	return nil
}

// syncCalendars refreshes due feeds, syncs CalDAV calendars and hands over
// queued invitations in the background; failures are kept on each calendar
// (last_error) or invitation for the user.
func syncCalendars(a *App) {
	changed := false
	if res, err := ical.RefreshFeeds(a.ctx, a.store, nil, false); err == nil {
		for _, r := range res {
			changed = changed || r.Status == "updated"
		}
	}
	sy := &caldav.Syncer{Store: a.store, Secrets: newCalSecrets(a), Zone: a.fmt.loc}
	if res, err := sy.SyncAll(a.ctx); err != nil && !errors.Is(err, caldav.ErrOffline) {
		fyne.LogError("ui: calendar sync", err)
	} else {
		for _, r := range res {
			changed = changed || r.Pulled+r.RemoteDeleted > 0
		}
	}
	// Invitations queued while offline go out now that the loop runs again.
	if sender := invitationSender(a); sender != nil {
		if _, err := ical.Deliver(a.ctx, a.store, sender); err != nil {
			fyne.LogError("ui: deliver invitations", err)
		}
	}
	if changed {
		a.do(func() {
			a.changed()
			if cs, ok := a.current.(*calendarScreen); ok {
				cs.reload()
			}
		})
	}
}
