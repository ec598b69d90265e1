package carpool

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role says what a member may do beyond booking and offering rides.
type Role string

const (
	RoleMember       Role = "member"
	RoleFleetManager Role = "fleet_manager"
	RoleAdmin        Role = "admin"
	// RoleSiteSecurity is the guard at a site's gate: they read the day's parking list
	// of sites and nothing else (see Member.Reaches).
	RoleSiteSecurity Role = "site_security"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleMember || r == RoleFleetManager || r == RoleAdmin || r == RoleSiteSecurity
}

// Member is a person who may sign in. Email is stored lower-cased, so it is unique
// regardless of case.
type Member struct {
	ID           string
	Email        string
	Name         string
	Phone        string
	Role         Role
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// DeactivatedAt is when an admin deactivated the member (zero: active). A
	// deactivated member cannot sign in; their name stays on shared history.
	DeactivatedAt time.Time
	// Language is the code of the language the member chose for pages, e-mails and
	// notifications ("en", "de"); empty leaves it to their browser and the default.
	Language string
	// TimeZone is the IANA zone the member reads times in ("Europe/Berlin"); empty
	// leaves it to the installation's default zone (CARPOOL_TIMEZONE).
	TimeZone string
	// ShareWithPartners publishes the member's rides to partner operators (journey
	// planners), under an alias and with rounded places; off until the member turns it on.
	ShareWithPartners bool
}

// Location returns the member's zone, or def when they have none.
func (m Member) Location(def *time.Location) *time.Location { return ZoneOr(m.TimeZone, def) }

// Active reports whether m may sign in.
func (m Member) Active() bool { return m.DeactivatedAt.IsZero() }

// ManagesFleet reports whether m may manage sites, pool cars and maintenance blocks.
func (m Member) ManagesFleet() bool {
	return m.Role == RoleFleetManager || m.Role == RoleAdmin
}

// NewMember is the input that creates a member.
type NewMember struct {
	Email    string
	Name     string
	Phone    string
	Password string
	Role     Role
	// Language and TimeZone start the member's settings (see Member); a sign-up takes
	// them from the browser. The language is checked by whoever knows the catalogues.
	Language string
	TimeZone string
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Validate checks the input and returns it normalised (trimmed, name in NFC, email
// lower-cased, role defaulted to member). Every wrong field is reported at once.
func (n NewMember) Validate() (NewMember, error) {
	n, err := n.ValidateProfile()
	var fe fieldErrors
	fe.add(err)
	fe.add(ValidatePassword(n.Password, n.Email, n.Name))
	return n, fe.err()
}

// ValidateProfile checks everything but the password, for members who sign in through
// their organisation's identity provider and have none.
func (n NewMember) ValidateProfile() (NewMember, error) {
	n.Email = NormalizeEmail(n.Email)
	n.Phone = strings.TrimSpace(n.Phone)
	if n.Role == "" {
		n.Role = RoleMember
	}
	var fe fieldErrors
	fe.add(validateEmail(n.Email))
	var err error
	n.Name, err = nameText.Clean("name", n.Name)
	fe.add(err)
	if n.Phone != "" && !validPhone(n.Phone) {
		fe.add(FieldErrorf(EINVALID, "phone", "phone must be digits, spaces and +-() only, 3 to 30 characters"))
	}
	if !n.Role.Valid() {
		fe.add(FieldErrorf(EINVALID, "role", "role must be member, fleet_manager, admin or site_security"))
	}
	n.TimeZone, err = ValidTimeZone(n.TimeZone)
	fe.add(err)
	return n, fe.err()
}

// ValidatePassword checks a new password of the member with email and name: its length,
// and that it is not easy to guess (common, a pattern, or made of their own name or
// address).
func ValidatePassword(p, email, name string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return FieldErrorf(EINVALID, "password", "password must have at least %d characters", MinPasswordLength)
	}
	if len(p) > 1024 {
		return FieldErrorf(EINVALID, "password", "password must have at most 1024 bytes")
	}
	return checkPasswordStrength(p, email, name)
}

// NormalizeEmail trims and lower-cases an email address, the form in which it is stored
// and compared.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

func validateEmail(email string) error {
	if email == "" {
		return FieldErrorf(EINVALID, "email", "email is required")
	}
	for _, r := range email {
		if r == utf8.RuneError || unicode.IsControl(r) || isBidiControl(r) {
			return FieldErrorf(EINVALID, "email", "email must be an address like name@example.com")
		}
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return FieldErrorf(EINVALID, "email", "email must be an address like name@example.com")
	}
	return nil
}

func validPhone(p string) bool {
	if len(p) < 3 || len(p) > 30 {
		return false
	}
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() ", r):
		default:
			return false
		}
	}
	return digits >= 3
}

// SignupPolicy says which email domains may sign up on their own. Empty: nobody (members
// are added by an admin); "*": everyone.
type SignupPolicy struct {
	Domains []string
}

// Allows reports whether an address may sign up.
func (p SignupPolicy) Allows(email string) bool {
	email = NormalizeEmail(email)
	at := strings.LastIndex(email, "@")
	if at < 0 {
		return false
	}
	domain := email[at+1:]
	for _, d := range p.Domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "*" || d == domain {
			return true
		}
	}
	return false
}

// Open reports whether any sign-up is possible at all.
func (p SignupPolicy) Open() bool {
	for _, d := range p.Domains {
		if strings.TrimSpace(d) != "" {
			return true
		}
	}
	return false
}
