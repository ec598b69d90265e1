package carpool

import (
	"strings"
	"time"
)

// MemberFilter selects members for the administration list. Query matches the name or
// the email, case-insensitively.
type MemberFilter struct {
	Query           string
	Role            Role
	IncludeInactive bool
}

// MaxMemberQuery bounds the search text of the member list.
const MaxMemberQuery = 100

// Normalize trims the filter and checks it.
func (f MemberFilter) Normalize() (MemberFilter, error) {
	f.Query = strings.TrimSpace(f.Query)
	if len(f.Query) > MaxMemberQuery {
		return f, FieldErrorf(EINVALID, "q", "the search text may have at most %d characters", MaxMemberQuery)
	}
	if f.Role != "" && !f.Role.Valid() {
		return f, FieldErrorf(EINVALID, "role", "role must be member, fleet_manager or admin")
	}
	return f, nil
}

// CheckRoleChange decides whether by may give target the role: admins only, and never
// so that no active admin is left (activeAdmins counts target if it is one).
func CheckRoleChange(by, target Member, role Role, activeAdmins int) error {
	if by.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only admins can change roles")
	}
	if !role.Valid() {
		return FieldErrorf(EINVALID, "role", "role must be member, fleet_manager or admin")
	}
	if !target.Active() {
		return Errorf(ECONFLICT, "%s is deactivated; reactivate them first", target.Name)
	}
	if target.Role == RoleAdmin && role != RoleAdmin && activeAdmins <= 1 {
		return FieldErrorf(ECONFLICT, "role", "%s is the last admin; make someone else admin first", target.Name)
	}
	return nil
}

// CheckDeactivation decides whether by may deactivate target: admins only, not someone
// already deactivated, and never the last active admin.
func CheckDeactivation(by, target Member, activeAdmins int) error {
	if by.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only admins can deactivate members")
	}
	if !target.Active() {
		return Errorf(ECONFLICT, "%s is already deactivated", target.Name)
	}
	if target.Role == RoleAdmin && activeAdmins <= 1 {
		return Errorf(ECONFLICT, "%s is the last admin and cannot be deactivated", target.Name)
	}
	return nil
}

// CheckReactivation decides whether by may reactivate target.
func CheckReactivation(by, target Member) error {
	if by.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only admins can reactivate members")
	}
	if target.Active() {
		return Errorf(ECONFLICT, "%s is active", target.Name)
	}
	return nil
}

// ChangeProfile sets the name and phone given (nil: unchanged), checked as at sign-up.
func (m *Member) ChangeProfile(name, phone *string) error {
	if name != nil {
		n := strings.TrimSpace(*name)
		if err := validateText("name", n, 1, 100); err != nil {
			return err
		}
		m.Name = n
	}
	if phone != nil {
		p := strings.TrimSpace(*phone)
		if p != "" && !validPhone(p) {
			return FieldErrorf(EINVALID, "phone", "phone must be digits, spaces and +-() only, 3 to 30 characters")
		}
		m.Phone = p
	}
	return nil
}

// CheckErasure decides whether by may erase target's personal data: the member
// themselves or an admin, and never the last active admin.
func CheckErasure(by, target Member, activeAdmins int) error {
	if by.ID != target.ID && by.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only the member themselves or an admin can erase an account")
	}
	if target.Role == RoleAdmin && target.Active() && activeAdmins <= 1 {
		return Errorf(ECONFLICT, "%s is the last admin; make someone else admin first", target.Name)
	}
	return nil
}

// ErasedName is what an erased member is called on the history they shared.
const ErasedName = "a former colleague"

// Erased returns m with its personal data replaced: the name everyone sees on shared
// history, and an address that can reach nobody and stays unique.
func Erased(m Member) Member {
	m.Name = ErasedName
	m.Email = "erased-" + m.ID + "@invalid"
	m.Phone = ""
	m.PasswordHash = ""
	return m
}

// Deactivation reports what deactivating a member released.
type Deactivation struct {
	Member       Member
	Rides        int // future rides they drove, cancelled with their passengers told
	Bookings     int // future bookings they held, cancelled with their drivers told
	Reservations int // future reservations they held, cancelled
	Sessions     int // tokens and web sessions revoked
}

// AuditEntry is one line of the append-only audit log: who did what to which record.
// ActorID is empty for the command line.
type AuditEntry struct {
	ID          string
	At          time.Time
	ActorID     string
	Action      string
	SubjectType string
	SubjectID   string
	Detail      string
}

// Audit actions.
const (
	AuditMemberCreated     = "member.created"
	AuditRoleChanged       = "member.role_changed"
	AuditMemberDeactivated = "member.deactivated"
	AuditMemberReactivated = "member.reactivated"
	AuditPasswordReset     = "member.password_reset"
	AuditEmailChanged      = "member.email_changed"
	AuditMemberErased      = "member.erased"
	AuditDataExported      = "member.data_exported"
	AuditSiteCreated       = "site.created"
	AuditSiteChanged       = "site.changed"
	AuditCarCreated        = "car.created"
	AuditCarChanged        = "car.changed"
	AuditCarRetired        = "car.retired"
	AuditMaintenance       = "car.maintenance_blocked"
	AuditReservationFreed  = "reservation.cancelled_by_fleet"
	AuditRideCancelled     = "ride.cancelled_by_admin"
)

// NewAuditEntry returns an entry stamped now.
func NewAuditEntry(actor Member, action, subjectType, subjectID, detail string, now time.Time) AuditEntry {
	return AuditEntry{
		ID: NewID(), At: Timestamp(now), ActorID: actor.ID, Action: action,
		SubjectType: subjectType, SubjectID: subjectID, Detail: detail,
	}
}

// AuditFilter selects audit entries: by actor, by subject, by action prefix ("member."),
// within [Since, Until) when set.
type AuditFilter struct {
	ActorID   string
	SubjectID string
	Action    string
	Since     time.Time
	Until     time.Time
}
