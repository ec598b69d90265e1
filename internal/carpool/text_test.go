package carpool_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestTextClean(t *testing.T) {
	name := carpool.Text{Min: 1, Max: 10}
	notes := carpool.Text{Max: 10, Multiline: true}
	cases := []struct {
		name string
		text carpool.Text
		in   string
		want string // "" with ok false: refused
		ok   bool
	}{
		{"plain", name, "Ann", "Ann", true},
		{"trimmed", name, "  Ann \t", "Ann", true},
		{"decomposed becomes composed", name, "Rene\u0301", "Ren\u00e9", true},
		{"composed stays", name, "Ren\u00e9", "Ren\u00e9", true},
		{"length counts composed characters", name, strings.Repeat("e\u0301", 10), strings.Repeat("\u00e9", 10), true},
		{"too long", name, strings.Repeat("a", 11), "", false},
		{"empty", name, "", "", false},
		{"NUL", name, "An\x00n", "", false},
		{"bell", name, "Ann\a", "", false},
		{"newline in a name", name, "An\nn", "", false},
		{"tab in a name", name, "An\tn", "", false},
		{"DEL", name, "Ann\x7f", "", false},
		{"C1 control", name, "Ann\u0085x", "", false},
		{"invalid UTF-8", name, "Ann\xff", "", false},
		{"right-to-left override", name, "Ann\u202egpj", "", false},
		{"left-to-right embedding", name, "\u202aAnn", "", false},
		{"first strong isolate", name, "Ann\u2068x", "", false},
		{"pop directional isolate", name, "Ann\u2069", "", false},
		{"only a zero-width space", name, "\u200b", "", false},
		{"only zero-width joiners and spaces", name, " \u200d\u200c ", "", false},
		{"only a Hangul filler", name, "\u3164", "", false},
		{"only a braille blank", name, "\u2800", "", false},
		{"zero-width joiner inside an emoji name", name, "Ann \U0001F468\u200d\U0001F469", "Ann \U0001F468\u200d\U0001F469", true},
		{"right-to-left script", name, "\u05e9\u05e8\u05d4", "\u05e9\u05e8\u05d4", true},
		{"notes may be empty", notes, "", "", true},
		{"notes span lines", notes, "a\r\nb\tc", "a\nb\tc", true},
		{"notes refuse NUL", notes, "a\x00", "", false},
		{"notes refuse an override", notes, "a\u202d", "", false},
		{"invisible notes are no notes", notes, " \u200b ", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.text.Clean("field", tc.in)
			if !tc.ok {
				if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != "field" {
					t.Fatalf("Clean(%q): got %q, %v; want an invalid error about field", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Clean(%q): got %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// TestFreeTextIsCleanedEverywhere: each free-text value of the model goes through the
// same rules.
func TestFreeTextIsCleanedEverywhere(t *testing.T) {
	const bad = "Bad\u202eeman"
	cases := []struct {
		name  string
		check func(s string) error
		field string
	}{
		{"member name", func(s string) error {
			_, err := carpool.NewMember{Email: "a@example.com", Name: s, Password: "correct horse"}.Validate()
			return err
		}, "name"},
		{"site name", func(s string) error { x := carpool.Site{Name: s, Address: "A"}; return x.Validate() }, "name"},
		{"site address", func(s string) error { x := carpool.Site{Name: "A", Address: s}; return x.Validate() }, "address"},
		{"car make", func(s string) error {
			x := carpool.Car{Kind: carpool.CarPrivate, OwnerID: "o", Plate: "AB 1", Make: s, Model: "M", Seats: 4}
			return x.Validate()
		}, "make"},
		{"car model", func(s string) error {
			x := carpool.Car{Kind: carpool.CarPrivate, OwnerID: "o", Plate: "AB 1", Make: "M", Model: s, Seats: 4}
			return x.Validate()
		}, "model"},
		{"ride origin", func(s string) error {
			in := rideInput("pc")
			in.From.Label = s
			_, err := carpool.NewRide(in, member, carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: member.ID, Seats: 5, Status: carpool.CarActive}, nil, t0)
			return err
		}, "from.label"},
		{"ride notes", func(s string) error {
			in := rideInput("pc")
			in.Notes = s
			_, err := carpool.NewRide(in, member, carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: member.ID, Seats: 5, Status: carpool.CarActive}, nil, t0)
			return err
		}, "notes"},
		{"changed notes", func(s string) error {
			rb := book(2, carpool.BookingInstant)
			return rb.Update(carpool.RidePatch{Notes: &s}, driver, carpool.Car{Kind: carpool.CarPrivate, Seats: 5}, nil, t0)
		}, "notes"},
	}
	for _, tc := range cases {
		for _, in := range []string{bad, "Bad\x00", "\u200b", "Bad\xff"} {
			t.Run(tc.name+" "+in, func(t *testing.T) {
				err := tc.check(in)
				if in == "\u200b" && tc.field == "notes" {
					if err != nil {
						t.Fatalf("got %v, want invisible notes to be cleared", err)
					}
					return
				}
				if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.field {
					t.Fatalf("got %v, want invalid %s", err, tc.field)
				}
			})
		}
	}
	if _, err := (carpool.NewMember{Email: "a\x00b@example.com", Name: "A", Password: "correct horse"}).Validate(); carpool.ErrorField(err) != "email" {
		t.Fatalf("email with NUL: got %v, want invalid email", err)
	}
}

// TestAllFieldErrorsAtOnce: validation reports every wrong field, the first also as the
// error's own field.
func TestAllFieldErrorsAtOnce(t *testing.T) {
	fields := func(err error) []string {
		var out []string
		for _, f := range carpool.ErrorFields(err) {
			if f.Message == "" {
				out = append(out, f.Field+" without message")
			}
			out = append(out, f.Field)
		}
		return out
	}
	private := carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: member.ID, Seats: 5, Status: carpool.CarActive}
	cases := []struct {
		name string
		err  func() error
		want []string
	}{
		{"member", func() error {
			_, err := carpool.NewMember{Email: "nope", Name: " ", Phone: "x", Password: "short", Role: "king"}.Validate()
			return err
		}, []string{"email", "name", "phone", "role", "password"}},
		{"site", func() error { s := carpool.Site{Lat: 91, Lon: 181}; return s.Validate() }, []string{"name", "address", "lat", "lon"}},
		{"car", func() error {
			c := carpool.Car{Kind: "boat", Plate: "!", Seats: 0, Status: "sunk"}
			return c.Validate()
		},
			[]string{"kind", "plate", "make", "model", "seats", "status"}},
		{"ride", func() error {
			in := carpool.RideInput{From: carpool.Place{Lat: 100}, To: carpool.Place{Label: "B", Lon: 200}, Seats: 9, BookingMode: "x",
				Notes: strings.Repeat("n", carpool.MaxNotes+1)}
			_, err := carpool.NewRide(in, member, private, nil, t0)
			return err
		}, []string{"from.label", "from.lat", "to.lon", "depart_at", "booking_mode", "notes", "seats"}},
		{"reservation", func() error {
			_, err := carpool.NewReservation(poolCar(carpool.CarActive), member, "", t0.Add(-time.Hour), time.Time{}, t0)
			return err
		}, []string{"start", "end"}},
		{"one field", func() error { s := carpool.Site{Name: "A", Address: "B", Lat: 91}; return s.Validate() }, []string{"lat"}},
		{"no error", func() error { return nil }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if got := fields(err); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got fields %v, want %v (%v)", got, tc.want, err)
			}
			if len(tc.want) == 0 {
				return
			}
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.want[0] {
				t.Fatalf("got %v, want invalid with field %s first", err, tc.want[0])
			}
		})
	}
}
