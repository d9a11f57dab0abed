package model

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// idGen makes UUIDv7 strings (RFC 9562): 48 bits of Unix milliseconds, then
// random bits. Two laptops generating ids offline collide with probability
// ~2^-74 per millisecond; time ordering keeps B-tree inserts local. Within one
// process the 12-bit rand_a field is used as a counter so ids generated in the
// same millisecond still sort in creation order.
type idGen struct {
	mu     sync.Mutex
	lastMS int64
	seq    uint16
}

var ids idGen // stateless apart from monotonicity; safe to share

// NewID returns a new, globally unique, time-ordered record id.
func NewID() string { return ids.next(time.Now()) }

func (g *idGen) next(now time.Time) string {
	g.mu.Lock()
	ms := now.UnixMilli()
	if ms <= g.lastMS {
		ms = g.lastMS
		g.seq++
		if g.seq > 0x0fff { // counter exhausted: borrow the next millisecond
			ms++
			g.seq = 0
		}
	} else {
		g.seq = 0
	}
	g.lastMS = ms
	seq := g.seq
	g.mu.Unlock()

	var b [16]byte
	if _, err := rand.Read(b[8:]); err != nil {
		panic("model: crypto/rand failed: " + err.Error()) // the OS is broken; nothing sensible to do
	}
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	b[6] = 0x70 | byte(seq>>8)
	b[7] = byte(seq)
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// newDeviceCode returns a short code (5 characters of Crockford base32) that
// identifies this database in human-facing numbers such as Q-2026-7KQ2M-0042.
func newDeviceCode() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("model: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b[:])
}
