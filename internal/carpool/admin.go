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
	var err error
	if f.Query, err = SearchText.Clean("q", f.Query); err != nil {
		return f, err
	}
	if f.Role != "" && !f.Role.Valid() {
		return f, FieldErrorf(EINVALID, "role", "role must be member, fleet_manager, admin or site_security")
	}
	return f, nil
}

// RoleClaim stands in a role change, where an admin would be named, for the identity
// provider's role claim at single sign-on: it only ever raises a member's role, and its
// audit line names no actor.
var RoleClaim = Member{Name: "identity provider claim"}

// IsRoleClaim reports whether m is RoleClaim.
func (m Member) IsRoleClaim() bool { return m.ID == "" && m.Role == "" && m.Name == RoleClaim.Name }

// roleRank orders the roles by what they may do. Site security may do less than a
// member, so an identity provider's claim, which only raises, never confines anyone to it.
var roleRank = map[Role]int{RoleSiteSecurity: -1, RoleMember: 0, RoleFleetManager: 1, RoleAdmin: 2}

// Outranks reports whether r may do more than other: admin, then fleet_manager, then
// member, then site_security.
func (r Role) Outranks(other Role) bool { return roleRank[r] > roleRank[other] }

// CheckRoleChange decides whether by may give target the role, and whether that changes
// anything. An admin may set any role, but never so that no active admin is left
// (activeAdmins counts target if it is one). RoleClaim may only raise the role: a claim
// for target's role or a lower one changes nothing (false, nil).
func CheckRoleChange(by, target Member, role Role, activeAdmins int) (bool, error) {
	if by.IsRoleClaim() {
		return role.Valid() && role.Outranks(target.Role), nil
	}
	if by.Role != RoleAdmin {
		return false, Errorf(EFORBIDDEN, "only admins can change roles")
	}
	if !role.Valid() {
		return false, FieldErrorf(EINVALID, "role", "role must be member, fleet_manager, admin or site_security")
	}
	if !target.Active() {
		return false, Errorf(ECONFLICT, "%s is deactivated; reactivate them first", target.Name)
	}
	if target.Role == RoleAdmin && role != RoleAdmin && activeAdmins <= 1 {
		return false, FieldErrorf(ECONFLICT, "role", "%s is the last admin; make someone else admin first", target.Name)
	}
	return true, nil
}

// RoleChangeAudit is the audit line of by giving target the role: the actor is by, or
// nobody for RoleClaim, whose line says so.
func RoleChangeAudit(by, target Member, role Role, now time.Time) AuditEntry {
	detail := string(target.Role) + " -> " + string(role)
	if by.IsRoleClaim() {
		by, detail = Member{}, detail+" (identity provider claim)"
	}
	return NewAuditEntry(by, AuditRoleChanged, "member", target.ID, detail, now)
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

// CheckReactivation decides whether by may reactivate target: admins only, someone
// deactivated, and never an erased account. Erasure is final: the person behind it was
// promised their data is gone, and the account holds nothing of theirs to come back to.
func CheckReactivation(by, target Member) error {
	if by.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only admins can reactivate members")
	}
	if target.IsErased() {
		return Errorf(ECONFLICT, "this account was erased, which is final: the person can sign up again as a new member")
	}
	if target.Active() {
		return Errorf(ECONFLICT, "%s is active", target.Name)
	}
	return nil
}

// ChangeProfile sets the name and phone given (nil: unchanged), checked as at sign-up;
// both wrong are reported together, and nothing changes then.
func (m *Member) ChangeProfile(name, phone *string) error {
	var fe fieldErrors
	n, p := m.Name, m.Phone
	if name != nil {
		var err error
		n, err = nameText.Clean("name", *name)
		fe.add(err)
	}
	if phone != nil {
		p = strings.TrimSpace(*phone)
		if p != "" && !validPhone(p) {
			fe.add(FieldErrorf(EINVALID, "phone", "phone must be digits, spaces and +-() only, 3 to 30 characters"))
		}
	}
	if err := fe.err(); err != nil {
		return err
	}
	m.Name, m.Phone = n, p
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

// IsErased reports whether m's personal data was erased (Erased): its address is the
// one erasure gives, which no one can sign up with.
func (m Member) IsErased() bool { return m.ID != "" && m.Email == Erased(m).Email }

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
	// A site's parking spaces: the entry's detail is the space's label, data that reads
	// the same in every language, while the action names what happened.
	AuditParkingSpaceAdded   = "site.parking_space_added"
	AuditParkingSpaceRenamed = "site.parking_space_renamed"
	AuditParkingSpaceRetired = "site.parking_space_retired"
	AuditCarCreated          = "car.created"
	AuditCarChanged          = "car.changed"
	AuditCarRetired          = "car.retired"
	AuditMaintenance         = "car.maintenance_blocked"
	AuditReservationFreed    = "reservation.cancelled_by_fleet"
	AuditRideCancelled       = "ride.cancelled_by_admin"
	AuditPartnerCreated      = "partner.created"
	AuditPartnerRevoked      = "partner.revoked"
	AuditRideHomeRequested   = "ride_home.requested"
	AuditRideHomeApproved    = "ride_home.approved"
	AuditRideHomeDeclined    = "ride_home.declined"
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
