package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/mail"
	"carpool/internal/mail/mailtest"
	"carpool/internal/notify"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
	"carpool/internal/storetest"
)

type world struct {
	t      *testing.T
	ctx    context.Context
	db     *sqlite.DB
	now    time.Time
	driver carpool.Member
	rider  carpool.Member
	ride   carpool.Ride
}

func newWorld(t *testing.T, riderEmail string) *world {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ctx: ctx, db: db, now: carpool.Timestamp(time.Now())}
	w.driver = w.member("dana@example.com", "Dana Driver")
	w.rider = w.member(riderEmail, "Rico Rider")
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "ZH 1", Make: "Skoda", Model: "Octavia",
		Seats: 5, OwnerID: w.driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
	if err := db.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	w.ride, err = storetest.NewFlows(db).CreateRide(ctx, carpool.RideInput{CarID: car.ID,
		From: carpool.Place{Label: "Zurich HB", Lat: 47.37, Lon: 8.54}, To: carpool.Place{Label: "Bern", Lat: 46.94, Lon: 7.43},
		DepartAt: w.now.Add(48 * time.Hour), Seats: 3, BookingMode: carpool.BookingApproval}, w.driver)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) member(email, name string) carpool.Member {
	w.t.Helper()
	m := carpool.Member{ID: carpool.NewID(), Email: email, Name: name, Role: carpool.RoleMember,
		PasswordHash: "x", CreatedAt: w.now, UpdatedAt: w.now}
	if err := w.db.CreateMember(w.ctx, m); err != nil {
		w.t.Fatal(err)
	}
	all := map[string]bool{}
	for _, k := range carpool.NotificationKinds {
		all[k] = true
	}
	if err := w.db.SetEmailChoices(w.ctx, m.ID, all); err != nil {
		w.t.Fatal(err)
	}
	return m
}

// run starts the relay and stops it at cleanup, checking that it stops.
func run(t *testing.T, r *notify.Relay) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("relay did not stop within 30s of its context ending")
		}
	})
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 30s: %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling, bounded by the deadline
	}
}

func (w *world) inbox(m carpool.Member) []carpool.Notification {
	w.t.Helper()
	items, _, err := w.db.Notifications(w.ctx, m.ID, carpool.Page{Limit: 100})
	if err != nil {
		w.t.Fatal(err)
	}
	return items
}

func (w *world) backlog() int64 {
	w.t.Helper()
	n, err := w.db.OutboxBacklog(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func TestInboxAndMail(t *testing.T) {
	pit := mailtest.Start(t)
	w := newWorld(t, "rico@example.com")
	sender, err := mail.New(mail.Config{URL: pit.SMTPURL(), From: "Carpool <carpool@example.com>", BaseURL: "https://carpool.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	run(t, notify.New(w.db, notify.Options{Senders: map[string]notify.Sender{carpool.ChannelEmail: sender},
		Metrics: notify.NewMetrics(reg), Poll: 20 * time.Millisecond, BackoffBase: 50 * time.Millisecond, BackoffMax: 200 * time.Millisecond}))

	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	eventually(t, "two mails at the SMTP server", func() bool { return len(pit.Messages(t)) == 2 })
	eventually(t, "the backlog is empty", func() bool { return w.backlog() == 0 })

	t.Run("inbox", func(t *testing.T) {
		d, r := w.inbox(w.driver), w.inbox(w.rider)
		if len(d) != 1 || d[0].Kind != carpool.EventBookingRequested || !strings.Contains(d[0].Body, "Rico Rider asks for 2 seats") {
			t.Fatalf("driver's inbox: got %+v, want the seat request", d)
		}
		if len(r) != 1 || r[0].Kind != carpool.EventBookingConfirmed || r[0].Link != "/rides/"+w.ride.ID {
			t.Fatalf("rider's inbox: got %+v, want the confirmation linking to the ride", r)
		}
	})

	t.Run("mail", func(t *testing.T) {
		var got mailtest.Message
		for _, m := range pit.Messages(t) {
			if m.To[0].Address == "rico@example.com" {
				got = m
			}
		}
		if got.Subject != "Carpool: Seat confirmed" || got.From.Address != "carpool@example.com" || got.To[0].Name != "Rico Rider" {
			t.Fatalf("mail to the rider: got %+v", got)
		}
		if !strings.HasSuffix(got.MessageID, "@carpool.example.com") {
			t.Fatalf("Message-ID: got %q, want one at the public host", got.MessageID)
		}
		d := pit.Detail(t, got.ID)
		link := "https://carpool.example.com/rides/" + w.ride.ID
		if !strings.Contains(d.Text, "are confirmed") || !strings.Contains(d.Text, link) {
			t.Fatalf("text part: got %q, want the news and %s", d.Text, link)
		}
		if !strings.Contains(d.HTML, `href="`+link+`"`) {
			t.Fatalf("HTML part: got %q, want a link to %s", d.HTML, link)
		}
		if u := d.Headers["List-Unsubscribe"]; len(u) != 1 || u[0] != "<https://carpool.example.com/notifications/preferences>" {
			t.Fatalf("List-Unsubscribe: got %v", u)
		}
	})

	t.Run("SMTP down, then up: retried, nothing lost", func(t *testing.T) {
		pit.Stop()
		if _, err := storetest.NewFlows(w.db).CancelBooking(w.ctx, b.ID, w.rider); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the cancellation waits in the backlog", func() bool { return w.backlog() > 0 })
		eventually(t, "a failed attempt", func() bool {
			var n int
			w.db.DB().QueryRow(`SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND last_error <> ''`).Scan(&n)
			return n == 1
		})
		if got := len(w.inbox(w.driver)); got != 2 {
			t.Fatalf("driver's inbox while SMTP is down: got %d, want 2 (the inbox does not wait for mail)", got)
		}
		pit.Restart(t)
		eventually(t, "the cancellation mail after SMTP came back", func() bool {
			for _, m := range pit.Messages(t) {
				if m.Subject == "Carpool: Booking cancelled" {
					return true
				}
			}
			return false
		})
		eventually(t, "the backlog is empty again", func() bool { return w.backlog() == 0 })
		if got := len(pit.Messages(t)); got != 3 {
			t.Fatalf("mails after the outage: got %d, want 3", got)
		}
		if got := counter(t, reg, "carpool_notify_failed_total", carpool.ChannelEmail); got < 1 {
			t.Fatalf("carpool_notify_failed_total{channel=email}: got %v, want at least 1", got)
		}
		if got := counter(t, reg, "carpool_notify_delivered_total", carpool.ChannelEmail); got != 3 {
			t.Fatalf("carpool_notify_delivered_total{channel=email}: got %v, want 3", got)
		}
		if got := counter(t, reg, "carpool_notify_delivered_total", carpool.ChannelInbox); got != 3 {
			t.Fatalf("carpool_notify_delivered_total{channel=inbox}: got %v, want 3", got)
		}
	})
}

func TestBounceIsADeadDeliveryNotACrash(t *testing.T) {
	pit := mailtest.Start(t, "--smtp-allowed-recipients", `@example\.com$`)
	w := newWorld(t, "nobody@bounce.example.org")
	sender, err := mail.New(mail.Config{URL: pit.SMTPURL(), From: "carpool@example.com", BaseURL: "http://localhost:8080"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, notify.New(w.db, notify.Options{Senders: map[string]notify.Sender{carpool.ChannelEmail: sender},
		Poll: 20 * time.Millisecond, BackoffBase: 50 * time.Millisecond}))
	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	var dead []carpool.Delivery
	eventually(t, "the refused mail is a dead delivery", func() bool {
		dead, _, err = w.db.DeadDeliveries(w.ctx, carpool.Page{})
		return err == nil && len(dead) == 1
	})
	// The record says a fixed reason with the server's code, never the server's words
	// (which name the address and change from server to server).
	if want := fmt.Sprintf(mail.ReasonRefused, 550); dead[0].Recipient != w.rider.ID || dead[0].LastError != want {
		t.Fatalf("dead delivery: got %+v, want the rider's with last error %q", dead[0], want)
	}
	eventually(t, "the driver's mail still went out", func() bool { return len(pit.Messages(t)) == 1 })
	if got := len(w.inbox(w.rider)); got != 1 {
		t.Fatalf("rider's inbox: got %d, want 1 (the inbox does not depend on mail)", got)
	}
}

func TestRemindersOncePerPersonAcrossRelays(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	// Two relays, as two replicas would run, both with the ride inside the lead time.
	for range 2 {
		run(t, notify.New(w.db, notify.Options{Poll: 20 * time.Millisecond, ReminderLead: 72 * time.Hour}))
	}
	reminders := func(m carpool.Member) int {
		n := 0
		for _, x := range w.inbox(m) {
			if x.Kind == carpool.EventRideReminder {
				n++
			}
		}
		return n
	}
	eventually(t, "driver and passenger reminded", func() bool { return reminders(w.driver) == 1 && reminders(w.rider) == 1 })
	// A later round of both relays must not remind again.
	r := notify.New(w.db, notify.Options{ReminderLead: 72 * time.Hour})
	if n, err := r.Remind(w.ctx); err != nil || n != 0 {
		t.Fatalf("a later reminder round: got %d, %v; want 0", n, err)
	}
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	if reminders(w.driver) != 1 || reminders(w.rider) != 1 {
		t.Fatalf("reminders: driver %d, rider %d; want 1 each", reminders(w.driver), reminders(w.rider))
	}
}

// counter reads a counter with label channel from reg.
func counter(t *testing.T, reg *prometheus.Registry, name, channel string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "channel" && l.GetValue() == channel {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestNoMailToDeactivatedMembers(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	if _, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}
	// The driver left the company after the request was made.
	if _, err := w.db.DB().ExecContext(w.ctx, `UPDATE members SET deactivated_at = updated_at WHERE id = $1`, w.driver.ID); err != nil {
		t.Fatal(err)
	}
	r := notify.New(w.db, notify.Options{Senders: map[string]notify.Sender{carpool.ChannelEmail: failSender{t}}})
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Deliver(w.ctx); err != nil || n != 0 {
		t.Fatalf("deliveries: got %d, %v; want none", n, err)
	}
	if got := len(w.inbox(w.driver)); got != 1 {
		t.Fatalf("driver's inbox: got %d, want 1", got)
	}
}

type failSender struct{ t *testing.T }

func (f failSender) Send(context.Context, carpool.Delivery) error {
	f.t.Error("a mail was sent")
	return nil
}

// TestTextsInRecipientsLanguage: each member reads the inbox and mail in their own
// language, and one who chose none in the configured default.
func TestTextsInRecipientsLanguage(t *testing.T) {
	pit := mailtest.Start(t)
	w := newWorld(t, "rico@example.com")
	if _, err := storetest.NewFlows(w.db).ChangeMember(w.ctx, w.driver.ID, func(m *carpool.Member) error { m.Language = "en"; return nil }); err != nil {
		t.Fatal(err)
	}
	sender, err := mail.New(mail.Config{URL: pit.SMTPURL(), From: "Carpool <carpool@example.com>", BaseURL: "https://carpool.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, notify.New(w.db, notify.Options{Senders: map[string]notify.Sender{carpool.ChannelEmail: sender}, Language: language.German,
		Poll: 20 * time.Millisecond, BackoffBase: 50 * time.Millisecond, BackoffMax: 200 * time.Millisecond}))

	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	eventually(t, "two mails at the SMTP server", func() bool { return len(pit.Messages(t)) == 2 })

	d, r := w.inbox(w.driver), w.inbox(w.rider)
	if len(d) != 1 || d[0].Title != "New seat request" || !strings.Contains(d[0].Body, "Rico Rider asks for 1 seat on your ride Zurich HB → Bern") {
		t.Errorf("driver (English) inbox: got %+v", d)
	}
	depart := w.ride.DepartAt.UTC().Format("02.01.2006, 15:04")
	if len(r) != 1 || r[0].Title != "Platz bestätigt" || r[0].Body != "Ihr 1 Platz in der Fahrt Zurich HB → Bern, "+
		[]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."}[w.ride.DepartAt.UTC().Weekday()]+" "+depart+" UTC ist bestätigt." {
		t.Errorf("rider (German by default) inbox: got %+v", r)
	}
	for _, m := range pit.Messages(t) {
		want := map[string]string{"rico@example.com": "Carpool: Platz bestätigt", "dana@example.com": "Carpool: New seat request"}[m.To[0].Address]
		if m.Subject != want {
			t.Errorf("mail to %s: subject %q, want %q", m.To[0].Address, m.Subject, want)
		}
		text := pit.Detail(t, m.ID).Text
		if greeting := map[string]string{"rico@example.com": "Hallo Rico Rider,", "dana@example.com": "Hello Dana Driver,"}[m.To[0].Address]; !strings.HasPrefix(text, greeting) {
			t.Errorf("mail to %s: want it to start %q:\n%s", m.To[0].Address, greeting, text)
		}
	}
}

// TestCommuteNews: a subscriber hears that a day of the commute will not run and that it
// has ended; when a day's pool car is held by a maintenance block, the driver and the
// fleet managers hear that the day was not offered. Each text names the commute and the
// day.
func TestCommuteNews(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	run(t, notify.New(w.db, notify.Options{Poll: 20 * time.Millisecond}))
	manager := carpool.Member{ID: carpool.NewID(), Email: "fiona@example.com", Name: "Fiona Fleet", Role: carpool.RoleFleetManager,
		PasswordHash: "x", CreatedAt: w.now, UpdatedAt: w.now}
	if err := w.db.CreateMember(w.ctx, manager); err != nil {
		t.Fatal(err)
	}
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 47.37, Lon: 8.54, Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
	if err := w.db.CreateSite(w.ctx, site); err != nil {
		t.Fatal(err)
	}
	pool := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "ZH 2", Make: "VW", Model: "ID.3",
		Seats: 5, Status: carpool.CarActive, Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
	if err := w.db.CreateCar(w.ctx, pool); err != nil {
		t.Fatal(err)
	}
	today := carpool.DateOf(w.now.UTC())
	from, until := carpool.Clock{Hour: 7}, carpool.Clock{Hour: 19}
	sr, err := storetest.NewFlows(w.db).CreateSeries(w.ctx, carpool.SeriesInput{CarID: pool.ID,
		From: carpool.Place{Label: "Zurich HB", Lat: 47.3779, Lon: 8.5403}, To: carpool.Place{Label: "Bern", Lat: 46.9490, Lon: 7.4391},
		Weekdays: carpool.DaysOf(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday), DepartTime: carpool.Clock{Hour: 7, Minute: 30},
		TimeZone: "Europe/Zurich", Seats: 3, StartsOn: today.AddDays(1), EndsOn: today.AddDays(14), ReserveFrom: &from, ReserveUntil: &until}, w.driver)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := storetest.NewFlows(w.db).Subscribe(w.ctx, sr.ID, w.rider, sr.Weekdays, 1); err != nil {
		t.Fatal(err)
	}
	var runs []carpool.Date
	for d := sr.StartsOn; !d.After(sr.EndsOn); d = d.AddDays(1) {
		if sr.Runs(d) {
			runs = append(runs, d)
		}
	}
	blocked, skipped := runs[0], runs[1]
	loc := sr.Location()
	if _, err := storetest.NewFlows(w.db).CreateReservation(w.ctx, pool.ID, manager, carpool.ReservationMaintenance,
		carpool.Clock{Hour: 12}.At(blocked, loc), carpool.Clock{Hour: 14}.At(blocked, loc)); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).MaterialiseSeries(w.ctx, carpool.DefaultSeriesHorizon); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).SkipSeriesDate(w.ctx, sr.ID, skipped, w.driver); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).EndSeries(w.ctx, sr.ID, w.driver); err != nil {
		t.Fatal(err)
	}

	dayText := func(d carpool.Date) string {
		at := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
		return at.Format("Mon") + " " + at.Format("2 Jan")
	}
	commute := "Zurich HB → Bern, Mon, Tue, Wed, Thu, Fri at 07:30"
	find := func(m carpool.Member, title string) []carpool.Notification {
		var out []carpool.Notification
		for _, n := range w.inbox(m) {
			if n.Title == title {
				out = append(out, n)
			}
		}
		return out
	}
	defer func() {
		if t.Failed() {
			for _, m := range []carpool.Member{w.driver, w.rider, manager} {
				for _, n := range w.inbox(m) {
					t.Logf("%s: %q %q", m.Name, n.Title, n.Body)
				}
			}
		}
	}()
	eventually(t, "the commute's news in every inbox", func() bool {
		return len(find(w.rider, "Commute ended")) == 1 && len(find(w.driver, "Commute ended")) == 1 &&
			len(find(w.rider, "Commute day cancelled")) == 1 && len(find(manager, "Commute day without a car")) == 1
	})
	if n := find(w.rider, "Commute day cancelled")[0]; n.Body != "The commute "+commute+" does not run on "+dayText(skipped)+"." ||
		n.Link != "/commutes/"+sr.ID {
		t.Errorf("skipped day: got %q (link %q)", n.Body, n.Link)
	}
	for _, m := range []carpool.Member{w.driver, manager} {
		got := find(m, "Commute day without a car")
		if len(got) != 1 || !strings.HasPrefix(got[0].Body, "On "+dayText(blocked)+" the pool car of the commute "+commute+" is held") {
			t.Errorf("%s: conflict news: got %+v", m.Name, got)
		}
	}
	if got := find(w.rider, "Commute day without a car"); len(got) != 0 {
		t.Errorf("a subscriber heard of the car conflict: %+v", got)
	}
	if n := find(w.rider, "Commute ended")[0]; !strings.Contains(n.Body, commute) {
		t.Errorf("ended: got %q", n.Body)
	}
}
