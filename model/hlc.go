package model

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HLC is a hybrid logical clock timestamp (Kulkarni et al., 2014): physical
// milliseconds, a logical counter that breaks ties and absorbs clock skew, and
// the device that issued it. Its string form sorts in clock order, so the hub
// and the clients compare timestamps as plain strings.
type HLC struct {
	WallMS  int64
	Counter int32
	Device  string
}

// String renders the HLC as "0001732700000000-00000-device", fixed width so that
// lexical order equals clock order.
func (h HLC) String() string {
	b := make([]byte, 0, 24+len(h.Device))
	b = appendPadded(b, h.WallMS, 16)
	b = append(b, '-')
	b = appendPadded(b, int64(h.Counter), 5)
	b = append(b, '-')
	return string(append(b, h.Device...))
}

// appendPadded appends v in decimal, zero-padded to width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], v, 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// ParseHLC reads the String form back.
func ParseHLC(s string) (HLC, error) {
	parts := strings.SplitN(s, "-", 3)
	if len(parts) != 3 {
		return HLC{}, fmt.Errorf("model: parse hlc %q: want wall-counter-device", s)
	}
	wall, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return HLC{}, fmt.Errorf("model: parse hlc %q: wall: %w", s, err)
	}
	c, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil {
		return HLC{}, fmt.Errorf("model: parse hlc %q: counter: %w", s, err)
	}
	return HLC{WallMS: wall, Counter: int32(c), Device: parts[2]}, nil
}

// Clock issues HLC timestamps for one device. Now and Observe are safe for
// concurrent use.
type Clock struct {
	mu     sync.Mutex
	last   HLC
	device string
	now    func() time.Time
}

// NewClock makes a clock for device that reads physical time from now.
func NewClock(device string, now func() time.Time) *Clock {
	return &Clock{device: device, now: now, last: HLC{Device: device}}
}

// Now returns a timestamp greater than every one issued or observed before.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := c.now().UnixMilli()
	if wall > c.last.WallMS {
		c.last = HLC{WallMS: wall, Device: c.device}
	} else {
		c.last = HLC{WallMS: c.last.WallMS, Counter: c.last.Counter + 1, Device: c.device}
	}
	return c.last
}

// Observe merges a timestamp received from elsewhere, so the next Now sorts
// after it even when this device's clock is behind.
func (c *Clock) Observe(h HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h.WallMS > c.last.WallMS || (h.WallMS == c.last.WallMS && h.Counter > c.last.Counter) {
		c.last = HLC{WallMS: h.WallMS, Counter: h.Counter, Device: c.device}
	}
}
