package model

import (
	"context"
	"sort"
	"time"
)

// Busy is a stretch of time a team member is committed to: an appointment
// occurrence or a booth rota shift.
type Busy struct {
	Kind  Kind // KindAppointment or KindRotaShift
	ID    string
	UID   string // appointments only: occurrences of one series never clash with each other
	Title string
	Start time.Time
	End   time.Time
}

// Clash is two commitments of one team member that overlap.
type Clash struct {
	MemberID string
	First    Busy
	Second   Busy
}

// clashHorizon bounds how far ahead a recurring appointment is checked.
const clashHorizon = 366 * 24 * time.Hour

// blocks reports whether the occurrence takes the member's time: all-day
// entries (holidays, show days) and zero-length ones do not.
func blocks(a *Appointment, start, end time.Time) bool {
	return !a.AllDay && end.After(start) && a.Status != "cancelled"
}

// busyIn lists each member's commitments overlapping [from, to).
func busyIn(ctx context.Context, db Querier, from, to time.Time) (map[string][]Busy, error) {
	occ, err := Occurrences(ctx, db, from, to, CalendarFilter{})
	if err != nil {
		return nil, err
	}
	busy := map[string][]Busy{}
	for _, o := range occ {
		if !blocks(o.Appt, o.Start, o.End) {
			continue
		}
		b := Busy{Kind: KindAppointment, ID: o.Appt.ID, UID: o.Appt.UID, Title: o.Appt.Title, Start: o.Start, End: o.End}
		for _, m := range o.Appt.Members() {
			busy[m] = append(busy[m], b)
		}
	}
	shifts, err := List[RotaShift](ctx, db, Query{Where: "start_at < ? AND end_at > ?", Args: []any{FormatTime(to), FormatTime(from)}})
	if err != nil {
		return nil, err
	}
	for _, s := range shifts {
		title := "rota"
		if s.Role != "" {
			title = s.Role
		}
		busy[s.MemberID] = append(busy[s.MemberID], Busy{Kind: KindRotaShift, ID: s.ID, Title: title, Start: s.Start, End: s.End})
	}
	return busy, nil
}

func overlap(a, b Busy) bool {
	if a.UID != "" && a.UID == b.UID {
		return false
	}
	return a.Start.Before(b.End) && b.Start.Before(a.End)
}

// DoubleBookings returns every pair of overlapping commitments of one team
// member within [from, to), ordered by member then time.
func DoubleBookings(ctx context.Context, db Querier, from, to time.Time) ([]Clash, error) {
	busy, err := busyIn(ctx, db, from, to)
	if err != nil {
		return nil, err
	}
	var out []Clash
	for m, bs := range busy {
		sort.Slice(bs, func(i, j int) bool { return bs[i].Start.Before(bs[j].Start) })
		for i := range bs {
			for j := i + 1; j < len(bs) && bs[j].Start.Before(bs[i].End); j++ {
				if overlap(bs[i], bs[j]) {
					out = append(out, Clash{MemberID: m, First: bs[i], Second: bs[j]})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].MemberID != out[j].MemberID {
			return out[i].MemberID < out[j].MemberID
		}
		return out[i].First.Start.Before(out[j].First.Start)
	})
	return out, nil
}

// ClashesFor returns the commitments that the appointment a (saved or not)
// would double-book, for each team member taking part, over its occurrences
// in the coming year. It is the warning the edit form shows before saving.
func ClashesFor(ctx context.Context, db Querier, a *Appointment) ([]Clash, error) {
	members := a.Members()
	if len(members) == 0 || a.Start.IsZero() {
		return nil, nil
	}
	starts, err := Expand(a, a.Start, a.Start.Add(clashHorizon))
	if err != nil {
		return nil, err
	}
	if len(starts) == 0 {
		return nil, nil
	}
	dur := a.End.Sub(a.Start)
	busy, err := busyIn(ctx, db, starts[0], starts[len(starts)-1].Add(dur))
	if err != nil {
		return nil, err
	}
	var out []Clash
	for _, s := range starts {
		if !blocks(a, s, s.Add(dur)) {
			continue
		}
		mine := Busy{Kind: KindAppointment, ID: a.ID, UID: a.UID, Title: a.Title, Start: s, End: s.Add(dur)}
		for _, m := range members {
			for _, b := range busy[m] {
				if (b.Kind == KindAppointment && b.ID == a.ID) || !overlap(mine, b) {
					continue
				}
				out = append(out, Clash{MemberID: m, First: mine, Second: b})
			}
		}
	}
	return out, nil
}
