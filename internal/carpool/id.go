package carpool

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// NewID returns a new opaque identifier: 16 bytes as 32 hex digits, a millisecond timestamp
// followed by a counter and random bits (the UUIDv7 layout). Ids made by one process sort in
// the order they were made, which keeps cursor pagination and "oldest first" cheap.
func NewID() string {
	var b [16]byte
	ms, seq := nextTick()
	binary.BigEndian.PutUint64(b[:8], ms<<16|uint64(seq))
	_, _ = rand.Read(b[8:]) // crypto/rand.Read never fails on supported platforms
	b[6] = 0x70 | b[6]&0x0f // version 7
	b[8] = 0x80 | b[8]&0x3f // variant
	return hex.EncodeToString(b[:])
}

var idClock struct {
	sync.Mutex
	ms  uint64
	seq uint16
}

// nextTick returns the current millisecond and a sequence number that grows within it, so
// two ids made in the same millisecond still sort in order.
func nextTick() (uint64, uint16) {
	idClock.Lock()
	defer idClock.Unlock()
	ms := uint64(time.Now().UnixMilli())
	if ms <= idClock.ms {
		idClock.seq++
		if idClock.seq&0x0fff == 0 { // the 12 bits below the version nibble are used up
			idClock.ms++
		}
		return idClock.ms, idClock.seq & 0x0fff
	}
	idClock.ms, idClock.seq = ms, 0
	return ms, 0
}

// MaxIDLength is the longest id any row can have; NewID makes 32 characters.
const MaxIDLength = 64

// ValidID reports whether id could name a row: 1 to MaxIDLength ASCII letters, digits,
// dashes and underscores. Anything else (a NUL byte, invalid UTF-8, a path fragment) is
// unknown without asking the database, so every engine answers "not found" the same way
// instead of some failing on bytes their text type cannot hold.
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
