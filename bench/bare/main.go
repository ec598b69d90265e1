// Command bare is the anchor of the HTTP figures: the plainest net/http server that
// answers a health endpoint, as fast as Go serves anything.
//
//	bare -addr 127.0.0.1:8081
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	flag.Parse()
	body := []byte("{\"status\":\"ok\"}\n")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}
