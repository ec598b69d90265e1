// Package browser holds the end-to-end tests of the carpool web UI: real members click
// through the pages in headless Chromium (driven with chromedp), against the app served
// in-process on a loopback listener with a fresh SQLite store. Each scenario saves a
// screenshot of its last page; the test log names the folder.
package browser
