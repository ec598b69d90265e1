package carpool

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (RFC 9106's second recommended option, with less memory so a small
// pod can verify a few passwords at once). They are stored with every hash, so they can be
// raised later without invalidating old hashes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// PasswordHashMemory is the memory, in bytes, that one password hash or check holds
// while it runs; the application bounds how many run at once by it.
const PasswordHashMemory = argonMemory * 1024

// HashPassword returns an argon2id hash of password in the PHC string format.
func HashPassword(password string) (string, error) {
	return hashPassword(password, argonTime, argonMemory)
}

// hashPassword hashes at the given passes and memory (KiB).
func hashPassword(password string, passes, memory uint32) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, passes, memory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memory, passes, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// HashPasswordForTest returns an argon2id hash of password at the lowest cost argon2id
// allows (one pass over 8 KiB), in the same format as HashPassword. CheckPassword checks
// a hash at the cost written in it, so test fixtures store members with this hash and
// still sign them in through the real check, without paying for a production hash at
// every sign-in (seconds under the race detector). Never use it for a real password:
// the application hashes every password a person sets with HashPassword.
func HashPasswordForTest(password string) (string, error) {
	return hashPassword(password, 1, 8*argonThreads)
}

// CheckPassword reports whether password matches hash. A malformed hash never matches.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iterations, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when an email is unknown, so that signing in takes as
// long for unknown addresses as for known ones. It is made on first use, not at start:
// an argon2id hash costs 19 MiB and a good part of a second, which every process paid
// at start-up (and kept as idle heap) before it had served a single sign-in.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("carpool-dummy-password")
	return h
})

// CheckNoPassword spends the time of one password check and reports false.
func CheckNoPassword(password string) bool {
	CheckPassword(dummyHash(), password)
	return false
}
