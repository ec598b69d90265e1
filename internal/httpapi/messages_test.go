package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/notify"
)

// thread is a ride with a passenger in each state a booking can be in, and the people
// around it who are not on it.
type thread struct {
	ride                                                string
	driver, confirmed, pending, waitlisted, cancelled   member
	stranger, fleet, admin                              member
	confirmedBooking, pendingBooking, waitlistedBooking string
}

// newThread makes an approval ride of two seats: one confirmed passenger, one pending
// (one seat asked, one free), one waitlisted (two seats asked), one who cancelled.
func newThread(t *testing.T, e *env) *thread {
	t.Helper()
	n := " " + strings.ReplaceAll(plate(), " ", "") // members of another thread in the same store differ
	th := &thread{
		driver: e.quickMember(t, "Dora Driver"+n), confirmed: e.quickMember(t, "Conny Confirmed"+n),
		pending: e.quickMember(t, "Penny Pending"+n), waitlisted: e.quickMember(t, "Walter Waitlist"+n),
		cancelled: e.quickMember(t, "Carl Cancelled"+n), stranger: e.quickMember(t, "Stella Stranger"+n),
		fleet: e.member(t, "Fiona Fleet"+n, carpool.RoleFleetManager), admin: e.member(t, "Ada Admin"+n, carpool.RoleAdmin),
	}
	th.ride = str(e.ride(t, th.driver, 2, "approval")["id"])
	th.confirmedBooking = str(e.book(t, th.confirmed, th.ride, 1, false).want(t, 201).object(t)["id"])
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + th.confirmedBooking + "/confirm", token: th.driver.token}).want(t, 200)
	th.pendingBooking = str(e.book(t, th.pending, th.ride, 1, false).want(t, 201).object(t)["id"])
	w := e.book(t, th.waitlisted, th.ride, 2, true).want(t, 201).object(t)
	if w["status"] != "waitlisted" {
		t.Fatalf("the waitlisted passenger's booking: got %v, want waitlisted", w["status"])
	}
	th.waitlistedBooking = str(w["id"])
	gone := str(e.book(t, th.cancelled, th.ride, 1, true).want(t, 201).object(t)["id"])
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + gone + "/cancel", token: th.cancelled.token}).want(t, 200)
	return th
}

func (e *env) post(t *testing.T, who member, ride string, body map[string]any) response {
	t.Helper()
	return e.do(t, call{method: "POST", path: "/api/v1/rides/" + ride + "/messages", token: who.token, body: body})
}

// postInvalid sends a body openapi.yaml itself refuses, to see the server refuse it too.
func (e *env) postInvalid(t *testing.T, who member, ride string, body map[string]any) response {
	t.Helper()
	return e.do(t, call{method: "POST", path: "/api/v1/rides/" + ride + "/messages", token: who.token, body: body, invalid: true})
}

type messageList struct {
	Items []struct {
		ID     string `json:"id"`
		Author struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"author"`
		Mine    bool   `json:"mine"`
		Body    string `json:"body"`
		Quick   string `json:"quick"`
		Removed bool   `json:"removed"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func (e *env) thread(t *testing.T, who member, ride, query string) messageList {
	t.Helper()
	var l messageList
	e.do(t, call{method: "GET", path: "/api/v1/rides/" + ride + "/messages" + query, token: who.token}).want(t, 200).decode(t, &l)
	return l
}

// TestMessageAccess: the driver and the passengers whose booking is pending or confirmed
// read and write a ride's thread; a waitlisted or cancelled passenger, a colleague, a
// fleet manager and an admin see the ride but not its messages (403); an unknown ride is
// not found; nobody without a session gets in. On both engines.
func TestMessageAccess(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			th := newThread(t, e)
			cases := []struct {
				name       string
				who        member
				read, post int
			}{
				{"driver", th.driver, 200, 201},
				{"confirmed", th.confirmed, 200, 201},
				{"pending", th.pending, 200, 201},
				{"waitlisted", th.waitlisted, 403, 403},
				{"cancelled", th.cancelled, 403, 403},
				{"stranger", th.stranger, 403, 403},
				{"fleet manager", th.fleet, 403, 403},
				{"admin", th.admin, 403, 403},
				{"anonymous", member{}, 401, 401},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					res := e.do(t, call{method: "GET", path: "/api/v1/rides/" + th.ride + "/messages", token: c.who.token, invalid: c.read == 401})
					res.want(t, c.read)
					if c.read == 403 {
						res.problem(t, 403, carpool.EFORBIDDEN, "")
					}
					res = e.do(t, call{method: "POST", path: "/api/v1/rides/" + th.ride + "/messages", token: c.who.token,
						body: map[string]any{"body": "from " + c.name}, invalid: c.post == 401})
					res.want(t, c.post)
				})
			}
			got := e.thread(t, th.driver, th.ride, "")
			var bodies []string
			for _, m := range got.Items {
				bodies = append(bodies, m.Body)
			}
			if want := "from driver|from confirmed|from pending"; strings.Join(bodies, "|") != want {
				t.Errorf("thread: got %q, want %q", strings.Join(bodies, "|"), want)
			}
			e.do(t, call{method: "GET", path: "/api/v1/rides/" + strings.Repeat("0", 32) + "/messages", token: th.driver.token}).
				problem(t, 404, carpool.ENOTFOUND, "")
			e.post(t, th.driver, strings.Repeat("0", 32), map[string]any{"body": "x"}).problem(t, 404, carpool.ENOTFOUND, "")

			// Losing the match closes the thread: the driver cancels the pending request.
			e.do(t, call{method: "POST", path: "/api/v1/bookings/" + th.pendingBooking + "/reject", token: th.driver.token}).want(t, 200)
			e.do(t, call{method: "GET", path: "/api/v1/rides/" + th.ride + "/messages", token: th.pending.token}).problem(t, 403, carpool.EFORBIDDEN, "")
		})
	}
}

// TestMessageBodies: the one text rule bounds and cleans a message; quick replies are
// known codes said in English here; a text and a quick reply together, neither, or a
// cancelled ride are refused with the field at fault.
func TestMessageBodies(t *testing.T) {
	e := newEnv(t, envOptions{})
	th := newThread(t, e)
	m := e.post(t, th.confirmed, th.ride, map[string]any{"body": "  Ich stehe an Tor 2\r\nbis gleich  "}).want(t, 201).object(t)
	if m["body"] != "Ich stehe an Tor 2\nbis gleich" || m["mine"] != true {
		t.Errorf("cleaned message: got %v", m)
	}
	q := e.post(t, th.driver, th.ride, map[string]any{"quick": "late_5"}).want(t, 201).object(t)
	if q["quick"] != "late_5" || q["body"] != "5 min late" {
		t.Errorf("quick reply: got %v", q)
	}
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"empty", map[string]any{"body": ""}, "body"},
		{"only spaces", map[string]any{"body": " \u200b "}, "body"},
		{"too long", map[string]any{"body": strings.Repeat("ä", carpool.MaxMessage+1)}, "body"},
		{"control character", map[string]any{"body": "gate\x072"}, "body"},
		{"bidi override", map[string]any{"body": "gate \u202e2"}, "body"},
		{"unknown quick reply", map[string]any{"quick": "call_me"}, "quick"},
		{"both", map[string]any{"body": "hi", "quick": "here"}, "quick"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.postInvalid(t, th.confirmed, th.ride, c.body).problem(t, 422, carpool.EINVALID, c.field)
		})
	}
	e.post(t, th.confirmed, th.ride, map[string]any{"body": strings.Repeat("ä", carpool.MaxMessage)}).want(t, 201)

	list := e.thread(t, th.confirmed, th.ride, "?limit=2")
	if len(list.Items) != 2 || list.NextCursor == "" || !list.Items[0].Mine || list.Items[1].Mine || !strings.HasPrefix(list.Items[1].Author.Name, "Dora Driver") {
		t.Fatalf("first page: got %+v", list)
	}
	if list.Items[1].Author.Email != "" {
		t.Errorf("a message shows its author's address: %+v", list.Items[1].Author)
	}
	e.do(t, call{method: "GET", path: "/api/v1/rides/" + th.ride + "/messages?limit=0", token: th.confirmed.token, invalid: true}).
		problem(t, 422, carpool.EINVALID, "limit")
	rest := e.thread(t, th.confirmed, th.ride, "?limit=2&cursor="+list.NextCursor)
	if len(rest.Items) != 1 || rest.NextCursor != "" {
		t.Errorf("second page: got %+v", rest)
	}

	e.do(t, call{method: "POST", path: "/api/v1/rides/" + th.ride + "/cancel", token: th.driver.token}).want(t, 200)
	e.post(t, th.driver, th.ride, map[string]any{"body": "still there?"}).problem(t, 409, carpool.ECONFLICT, "")
	if got := e.thread(t, th.driver, th.ride, ""); len(got.Items) != 3 {
		t.Errorf("the cancelled ride's thread for its driver: got %d messages, want 3", len(got.Items))
	}
}

// TestMessageLimits: one member writes at most MaxMessagesPerHour messages an hour on
// every ride together (429 with Retry-After), and a thread holds at most
// MaxThreadMessages (409).
func TestMessageLimits(t *testing.T) {
	e := newEnv(t, envOptions{Limits: &carpool.Limits{MaxMessagesPerHour: 2, MaxThreadMessages: 3}})
	th := newThread(t, e)
	other := newThread(t, e)
	e.post(t, th.confirmed, th.ride, map[string]any{"body": "one"}).want(t, 201)
	e.post(t, th.confirmed, th.ride, map[string]any{"quick": "here"}).want(t, 201)
	res := e.post(t, th.confirmed, th.ride, map[string]any{"body": "three"})
	res.problem(t, 429, carpool.ETHROTTLED, "")
	if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After: got %q", ra)
	}
	e.post(t, other.driver, th.ride, map[string]any{"body": "not mine"}).want(t, 403)
	e.post(t, th.driver, th.ride, map[string]any{"body": "third"}).want(t, 201)
	e.post(t, th.pending, th.ride, map[string]any{"body": "fourth"}).problem(t, 409, carpool.ECONFLICT, "")
	e.post(t, other.pending, other.ride, map[string]any{"body": "another thread"}).want(t, 201)
}

// TestMessageNotices: a new message reaches every other matched member through the
// inbox, once per thread however many messages follow within the quarter hour, naming
// its author but not saying what they wrote; the author and the unmatched hear nothing.
func TestMessageNotices(t *testing.T) {
	e := newEnv(t, envOptions{})
	th := newThread(t, e)
	for _, body := range []string{"Ich stehe an Tor 2", "secret words", "and more"} {
		e.post(t, th.confirmed, th.ride, map[string]any{"body": body}).want(t, 201)
	}
	e.post(t, th.driver, th.ride, map[string]any{"quick": "on_way"}).want(t, 201)
	if _, err := notify.New(e.store, notify.Options{}).FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	count := func(who member) (n int, texts []string) {
		var page struct {
			Items []struct{ Kind, Title, Body, Link string }
		}
		e.do(t, call{method: "GET", path: "/api/v1/notifications?limit=100", token: who.token}).want(t, 200).decode(t, &page)
		for _, it := range page.Items {
			if it.Kind == carpool.EventRideMessage {
				n++
				texts = append(texts, it.Title+" "+it.Body)
				if it.Link != "/rides/"+th.ride+"#messages" {
					t.Errorf("link: got %q", it.Link)
				}
			}
		}
		return n, texts
	}
	for _, c := range []struct {
		name string
		who  member
		want int
	}{
		{"driver", th.driver, 1}, {"confirmed (wrote first)", th.confirmed, 1}, {"pending", th.pending, 1},
		{"waitlisted", th.waitlisted, 0}, {"cancelled", th.cancelled, 0}, {"stranger", th.stranger, 0}, {"fleet", th.fleet, 0},
	} {
		n, texts := count(c.who)
		if n != c.want {
			t.Errorf("%s: got %d message notifications, want %d: %q", c.name, n, c.want, texts)
		}
		for _, text := range texts {
			if strings.Contains(text, "secret words") || strings.Contains(text, "Tor 2") {
				t.Errorf("%s: the notification says the message: %q", c.name, text)
			}
		}
	}
	if _, texts := count(th.driver); len(texts) == 1 && !strings.Contains(texts[0], "Conny Confirmed") {
		t.Errorf("the driver's notification does not name the author: %q", texts[0])
	}
}

// TestMessagesErasedAndExported: a member's export lists the messages they wrote; once
// they are erased those messages read "(removed)" in the thread, keeping their place.
func TestMessagesErasedAndExported(t *testing.T) {
	e := newEnv(t, envOptions{})
	th := newThread(t, e)
	e.post(t, th.confirmed, th.ride, map[string]any{"body": "Ich stehe an Tor 2"}).want(t, 201)
	e.post(t, th.driver, th.ride, map[string]any{"body": "komme"}).want(t, 201)
	var x struct {
		Messages []struct {
			RideID string `json:"ride_id"`
			Body   string `json:"body"`
		} `json:"messages"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/me/export", token: th.confirmed.token}).want(t, 200).decode(t, &x)
	if len(x.Messages) != 1 || x.Messages[0].Body != "Ich stehe an Tor 2" || x.Messages[0].RideID != th.ride {
		t.Errorf("export: got %+v", x.Messages)
	}
	e.do(t, call{method: "POST", path: "/api/v1/members/" + th.confirmed.ID + "/erase", token: th.admin.token}).want(t, 204)
	got := e.thread(t, th.driver, th.ride, "")
	if len(got.Items) != 2 || !got.Items[0].Removed || got.Items[0].Body != "(removed)" || got.Items[1].Body != "komme" {
		t.Errorf("thread after erasure: got %+v", got.Items)
	}
}
