package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestPprofCmdlineHidesDatabaseURL(t *testing.T) {
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })
	os.Args = []string{"carpool", "serve", "--database-url", "postgres://carpool:s3cret@db:5432/carpool"}

	srv := httptest.NewServer(adminHandler(http.NotFoundHandler()))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "s3cret") || !strings.Contains(string(body), "serve") {
		t.Errorf("got %d %q, want 200 with the command line and no password", resp.StatusCode, body)
	}
}
