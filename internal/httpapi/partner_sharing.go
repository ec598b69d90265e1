package httpapi

import (
	"encoding/json"
	"reflect"

	"carpool/internal/carpool"
)

// sharingBody reads share_with_partners on a ride or commute: true, false or null (follow
// the member's profile). Set tells a PATCH that sent null from one that left it out.
type sharingBody struct {
	Set   bool
	Value carpool.PartnerSharing
}

func (s *sharingBody) UnmarshalJSON(b []byte) error {
	var v *bool
	if err := json.Unmarshal(b, &v); err != nil {
		// A type error; the decoder adds the field name and its caller words it as a 400.
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[bool]()}
	}
	s.Set, s.Value = true, carpool.SharingOf(v)
	return nil
}

// patch is the change a PATCH asks for; nil when it left the field out.
func (s sharingBody) patch() *carpool.PartnerSharing {
	if !s.Set {
		return nil
	}
	v := s.Value
	return &v
}

// sharingOut shows a ride's or commute's choice to its driver: true, false or null. Other
// members are not told (nil: the field is left out).
func sharingOut(s carpool.PartnerSharing) *sharingJSON { return &sharingJSON{s} }

type sharingJSON struct{ s carpool.PartnerSharing }

func (s sharingJSON) MarshalJSON() ([]byte, error) { return json.Marshal(s.s.Bool()) }
