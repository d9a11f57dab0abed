// Package caldav keeps Relais calendars in two-way sync with CalDAV servers
// (RFC 4791): account discovery and calendar creation, conditional writes
// (If-None-Match / If-Match) on every PUT and DELETE, incremental pulls with
// sync-collection (RFC 6578) falling back to an ETag listing, three-way
// merges on 412, and a refusal to mass-delete when a server suddenly lists
// nothing. Discovery uses github.com/emersion/go-webdav; the requests
// go-webdav v0.6.0 lacks (MKCALENDAR, conditional PUT/DELETE,
// sync-collection, raw calendar-multiget) go through the same HTTP client.
package caldav
