package widgets

// Pages holds the rows of a long list a page at a time, so that a
// virtualised widget.List can show 100 000 contacts while only the pages
// near the visible rows are in memory. Rows are read by Load off the UI
// goroutine (through Go); until a page arrives its rows read as missing and
// the list shows a placeholder.
//
// Pages is not safe for concurrent use: call it from the UI goroutine only,
// which is where Go delivers loaded pages.
type Pages[T any] struct {
	// Size is the number of rows per page (100 if zero).
	Size int
	// Keep is how many pages stay cached (20 if zero); the least recently
	// used page is dropped first.
	Keep int
	// Load reads rows [offset, offset+limit). It runs off the UI goroutine.
	Load func(offset, limit int) ([]T, error)
	// Go runs work off the UI goroutine and then the function it returns on
	// the UI goroutine.
	Go func(work func() (apply func()))
	// OnLoaded is called on the UI goroutine when a page has arrived.
	OnLoaded func()
	// OnError is called on the UI goroutine when Load fails.
	OnError func(error)

	count   int
	gen     int
	pages   map[int][]T
	used    []int // page numbers, most recently used last
	loading map[int]bool
}

func (p *Pages[T]) size() int {
	if p.Size <= 0 {
		return 100
	}
	return p.Size
}

func (p *Pages[T]) keep() int {
	if p.Keep <= 0 {
		return 20
	}
	return p.Keep
}

// Reset forgets every cached row and sets the number of rows, after the
// query changed (a filter, the sort order) or the data did.
func (p *Pages[T]) Reset(count int) {
	p.gen++
	p.count = count
	p.pages = map[int][]T{}
	p.loading = map[int]bool{}
	p.used = nil
}

// Len is the number of rows.
func (p *Pages[T]) Len() int { return p.count }

// Put stores a page read by the caller (for example the first page, read
// together with the count), so the list can show it without a second trip.
func (p *Pages[T]) Put(page int, rows []T) {
	if p.pages == nil {
		p.Reset(p.count)
	}
	p.pages[page] = rows
	p.touch(page)
}

// Get returns row i, or false when its page is not loaded yet; it then
// starts loading that page.
func (p *Pages[T]) Get(i int) (T, bool) {
	var zero T
	if i < 0 || i >= p.count {
		return zero, false
	}
	if p.pages == nil {
		p.Reset(p.count)
	}
	n := i / p.size()
	rows, ok := p.pages[n]
	if !ok {
		p.fetch(n)
		return zero, false
	}
	p.touch(n)
	if j := i - n*p.size(); j < len(rows) {
		return rows[j], true
	}
	return zero, false
}

func (p *Pages[T]) touch(n int) {
	if len(p.used) > 0 && p.used[len(p.used)-1] == n {
		return
	}
	for k, u := range p.used {
		if u == n {
			p.used = append(p.used[:k], p.used[k+1:]...)
			break
		}
	}
	p.used = append(p.used, n)
	for len(p.used) > p.keep() {
		delete(p.pages, p.used[0])
		p.used = p.used[1:]
	}
}

func (p *Pages[T]) fetch(n int) {
	if p.loading[n] || p.Load == nil || p.Go == nil {
		return
	}
	p.loading[n] = true
	gen, size := p.gen, p.size()
	p.Go(func() func() {
		rows, err := p.Load(n*size, size)
		return func() {
			if gen != p.gen {
				return // the query changed meanwhile; this page is stale
			}
			delete(p.loading, n)
			if err != nil {
				if p.OnError != nil {
					p.OnError(err)
				}
				return
			}
			p.pages[n] = rows
			p.touch(n)
			if p.OnLoaded != nil {
				p.OnLoaded()
			}
		}
	})
}
