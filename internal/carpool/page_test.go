package carpool_test

import (
	"reflect"
	"strings"
	"testing"

	"carpool/internal/carpool"
)

func TestPageNormalize(t *testing.T) {
	cases := []struct {
		name  string
		in    carpool.Page
		limit int
		field string
	}{
		{"default limit", carpool.Page{}, carpool.DefaultPageLimit, ""},
		{"one", carpool.Page{Limit: 1}, 1, ""},
		{"max", carpool.Page{Limit: carpool.MaxPageLimit}, carpool.MaxPageLimit, ""},
		{"over max", carpool.Page{Limit: carpool.MaxPageLimit + 1}, 0, "limit"},
		{"negative", carpool.Page{Limit: -1}, 0, "limit"},
		{"good cursor", carpool.Page{Cursor: carpool.CursorAfter("abc")}, carpool.DefaultPageLimit, ""},
		{"bad cursor", carpool.Page{Cursor: "***"}, 0, "cursor"},
		{"cursor of a NUL byte", carpool.Page{Cursor: "AA"}, 0, "cursor"},
		{"cursor of invalid UTF-8", carpool.Page{Cursor: carpool.CursorAfter("\xff\xfe")}, 0, "cursor"},
		{"cursor of a control character", carpool.Page{Cursor: carpool.CursorAfter("a\nb")}, 0, "cursor"},
		{"cursor too long", carpool.Page{Cursor: carpool.CursorAfter(strings.Repeat("a", 201))}, 0, "cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Normalize()
			if tc.field != "" {
				if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.field {
					t.Fatalf("got %v, want invalid %s", err, tc.field)
				}
				return
			}
			if err != nil || got.Limit != tc.limit {
				t.Fatalf("got %+v, %v; want limit %d", got, err, tc.limit)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, pos := range []string{"01a2", "with/slash+plus=", "ünïcode"} {
		after, err := carpool.Page{Cursor: carpool.CursorAfter(pos)}.After()
		if err != nil || after != pos {
			t.Fatalf("got %q, %v; want %q", after, err, pos)
		}
	}
	if after, err := (carpool.Page{}).After(); after != "" || err != nil {
		t.Fatalf("first page: got %q, %v", after, err)
	}
}

func TestPageOf(t *testing.T) {
	key := func(s string) string { return s }
	cases := []struct {
		name  string
		items []string
		limit int
		want  []string
		next  string
	}{
		{"empty", nil, 2, nil, ""},
		{"fewer", []string{"a"}, 2, []string{"a"}, ""},
		{"exactly", []string{"a", "b"}, 2, []string{"a", "b"}, ""},
		{"one more", []string{"a", "b", "c"}, 2, []string{"a", "b"}, carpool.CursorAfter("b")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, next := carpool.PageOf(tc.items, tc.limit, key)
			if !reflect.DeepEqual(got, tc.want) || next != tc.next {
				t.Fatalf("got %v %q, want %v %q", got, next, tc.want, tc.next)
			}
		})
	}
}

func TestValidID(t *testing.T) {
	cases := []struct {
		id   string
		want bool
	}{
		{carpool.NewID(), true},
		{"abc-DEF_123", true},
		{strings.Repeat("a", carpool.MaxIDLength), true},
		{"", false},
		{strings.Repeat("a", carpool.MaxIDLength+1), false},
		{"abc\x00def", false},
		{"abc\xffdef", false},
		{"abc/def", false},
		{"abc def", false},
		{"abc\u00e9", false},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			if got := carpool.ValidID(tc.id); got != tc.want {
				t.Fatalf("ValidID(%q): got %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}
