package widgets

import (
	"errors"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// syncGo runs the work and its result at once, like a UI goroutine with
// nothing else to do.
func syncGo(work func() func()) { work()() }

func TestPagesLoadsOnDemand(t *testing.T) {
	var loads []int
	p := Pages[string]{Size: 10, Keep: 2, Go: syncGo, Load: func(offset, limit int) ([]string, error) {
		loads = append(loads, offset)
		var rows []string
		for i := offset; i < offset+limit && i < 35; i++ {
			rows = append(rows, fmt.Sprint("row", i))
		}
		return rows, nil
	}}
	p.Reset(35)
	if _, ok := p.Get(12); ok {
		t.Fatal("a row was ready before its page was loaded")
	}
	if r, ok := p.Get(12); !ok || r != "row12" {
		t.Fatalf("Get(12) = %q, %v", r, ok)
	}
	p.Get(34)
	p.Get(34)
	if r, ok := p.Get(34); !ok || r != "row34" {
		t.Fatalf("Get(34) = %q, %v", r, ok)
	}
	p.Get(0) // a third page: the least recently used one (10–19) is dropped
	p.Get(0)
	if _, ok := p.Get(12); ok {
		t.Error("page 1 was kept beyond Keep")
	}
	if _, ok := p.Get(35); ok {
		t.Error("a row past the end was returned")
	}
	if fmt.Sprint(loads) != "[10 30 0 10]" {
		t.Errorf("loads at offsets %v", loads)
	}
}

func TestPagesDropsStaleLoads(t *testing.T) {
	var pending []func()
	p := Pages[int]{Go: func(work func() func()) { pending = append(pending, work()) },
		Load: func(offset, limit int) ([]int, error) { return []int{offset}, nil }}
	p.Reset(500)
	p.Get(250)
	p.Reset(10) // the filter changed while page 2 was loading
	for _, f := range pending {
		f()
	}
	if _, ok := p.Get(0); ok {
		t.Error("the stale page was stored as page 0 of the new query")
	}
}

func TestPagesReportsErrors(t *testing.T) {
	var got error
	p := Pages[int]{Go: syncGo, OnError: func(err error) { got = err },
		Load: func(int, int) ([]int, error) { return nil, errors.New("disk") }}
	p.Reset(5)
	p.Get(1)
	if got == nil {
		t.Error("the load error was not reported")
	}
}

func TestEntryKeys(t *testing.T) {
	test.NewTempApp(t)
	var seen []string
	e := NewEntry()
	e.OnEscape = func() { seen = append(seen, "esc") }
	e.OnDown = func() { seen = append(seen, "down") }
	e.OnUp = func() { seen = append(seen, "up") }
	test.Type(e, "ab")
	for _, k := range []fyne.KeyName{fyne.KeyDown, fyne.KeyUp, fyne.KeyEscape, fyne.KeyLeft} {
		e.TypedKey(&fyne.KeyEvent{Name: k})
	}
	if fmt.Sprint(seen) != "[down up esc]" || e.Text != "ab" || e.CursorColumn != 1 {
		t.Errorf("seen %v, text %q, cursor %d", seen, e.Text, e.CursorColumn)
	}
	m := NewMultiLineEntry()
	m.OnDown = func() { t.Error("a multi-line entry gave Down away") }
	m.SetText("one\ntwo")
	m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
}

func TestKeyChoice(t *testing.T) {
	test.NewTempApp(t)
	chosen := -1
	k := NewKeyChoice([]Choice{{'c', "Call"}, {'e', "E-mail"}}, func(i int) { chosen = i })
	w := test.NewWindow(k)
	defer w.Close()
	w.Canvas().Focus(k)
	k.TypedRune('x')
	if chosen != -1 {
		t.Fatal("an unknown key chose something")
	}
	k.TypedRune('E')
	if chosen != 1 {
		t.Errorf("E chose %d", chosen)
	}
	test.Tap(k.buttons[0])
	if chosen != 0 {
		t.Errorf("tapping Call chose %d", chosen)
	}
}
