package caldav

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/emersion/go-webdav"
)

// davHTTP is the webdav.HTTPClient every request goes through, go-webdav's
// discovery requests included: it adds basic authentication, and the
// conditional headers go-webdav v0.6.0 cannot send (If-Match, If-None-Match)
// when the request's context carries them.
type davHTTP struct {
	client   *http.Client
	user     string
	password string
}

var _ webdav.HTTPClient = (*davHTTP)(nil)

type condKey struct{}

// conditions are the preconditions of one write.
type conditions struct {
	ifMatch     string // an ETag, quoted as the server gave it
	ifNoneMatch string // "*" to create only
}

func withConditions(ctx context.Context, c conditions) context.Context {
	return context.WithValue(ctx, condKey{}, c)
}

func (d *davHTTP) Do(req *http.Request) (*http.Response, error) {
	if d.user != "" || d.password != "" {
		req.SetBasicAuth(d.user, d.password)
	}
	if c, ok := req.Context().Value(condKey{}).(conditions); ok {
		if c.ifMatch != "" {
			req.Header.Set("If-Match", c.ifMatch)
		}
		if c.ifNoneMatch != "" {
			req.Header.Set("If-None-Match", c.ifNoneMatch)
		}
	}
	return d.client.Do(req)
}

// StatusError is a server answer other than success.
type StatusError struct {
	Method, Href string
	Code         int
	Body         string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("caldav: %s %s: the server answered %d %s", e.Method, e.Href, e.Code, http.StatusText(e.Code))
	if e.Body != "" {
		msg += " (" + e.Body + ")"
	}
	return msg
}

// ErrOffline wraps every failure to reach the server: the sync stops and
// everything waits for the next one.
var ErrOffline = errors.New("the calendar server cannot be reached; changes stay queued")

func statusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// conn is one CalDAV server session.
type conn struct {
	base *url.URL // the account URL
	http *davHTTP
}

// resolve turns a server path (or absolute URL) into a URL on the server.
func (c *conn) resolve(href string) string {
	u, err := url.Parse(href)
	if err != nil || u.Path == "" {
		u = &url.URL{Path: href}
	}
	return c.base.ResolveReference(u).String()
}

// response is a raw reply.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// maxBody bounds what one reply may hold: a calendar's worth of multiget.
const maxBody = 64 << 20

func (c *conn) do(ctx context.Context, method, href string, hdr map[string]string, body []byte, cond conditions) (*response, error) {
	req, err := http.NewRequestWithContext(withConditions(ctx, cond), method, c.resolve(href), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("caldav: %s %s: %w", method, href, err)
	}
	req.ContentLength = int64(len(body)) // Radicale wants a Content-Length
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "connection refused") {
			return nil, fmt.Errorf("caldav: %s %s: %w (%v)", method, href, ErrOffline, err)
		}
		return nil, fmt.Errorf("caldav: %s %s: %w", method, href, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("caldav: %s %s: %w (%v)", method, href, ErrOffline, err)
	}
	r := &response{code: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return r, fmt.Errorf("caldav: %s %s: %w (the server answered %s)", method, href, ErrOffline, resp.Status)
	}
	if resp.StatusCode/100 != 2 {
		text := strings.TrimSpace(string(b))
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		return r, &StatusError{Method: method, Href: href, Code: resp.StatusCode, Body: text}
	}
	return r, nil
}

// multistatus is the part of RFC 4918 / 4791 / 6578 replies Relais reads.
type multistatus struct {
	XMLName   xml.Name     `xml:"DAV: multistatus"`
	Responses []msResponse `xml:"DAV: response"`
	SyncToken string       `xml:"DAV: sync-token"`
}

type msResponse struct {
	Hrefs     []string   `xml:"DAV: href"`
	Status    string     `xml:"DAV: status"`
	Propstats []propstat `xml:"DAV: propstat"`
}

type propstat struct {
	Status string `xml:"DAV: status"`
	Prop   struct {
		ETag         string `xml:"DAV: getetag"`
		CalendarData string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
		ResourceType struct {
			Collection *struct{} `xml:"DAV: collection"`
			Calendar   *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
		} `xml:"DAV: resourcetype"`
	} `xml:"DAV: prop"`
}

// statusCode reads "HTTP/1.1 404 Not Found" as 404 (0 when absent: success).
func statusCode(s string) int {
	f := strings.Fields(s)
	if len(f) < 2 {
		return 0
	}
	n := 0
	fmt.Sscanf(f[1], "%d", &n)
	return n
}

// props returns the first successful propstat of a response.
func (r *msResponse) props() (etag, data string, ok bool) {
	for _, ps := range r.Propstats {
		if c := statusCode(ps.Status); c == 0 || c/100 == 2 {
			return ps.Prop.ETag, ps.Prop.CalendarData, true
		}
	}
	return "", "", false
}

// normHref makes hrefs comparable: unescaped path, no scheme or host.
func normHref(h string) string {
	h = strings.TrimSpace(h)
	if u, err := url.Parse(h); err == nil {
		if p, err := url.PathUnescape(u.EscapedPath()); err == nil {
			return p
		}
		return u.Path
	}
	return h
}

func parseMultistatus(method, href string, b []byte) (*multistatus, error) {
	var ms multistatus
	if err := xml.Unmarshal(b, &ms); err != nil {
		return nil, fmt.Errorf("caldav: %s %s: the server's reply is not a readable multistatus: %w", method, href, err)
	}
	return &ms, nil
}

// etagListing lists the calendar's resources and their ETags (PROPFIND
// Depth 1): the fallback when sync-collection is unsupported or its token stale.
func (c *conn) etagListing(ctx context.Context, coll string) (map[string]string, error) {
	body := []byte(xml.Header + `<propfind xmlns="DAV:"><prop><getetag/><resourcetype/></prop></propfind>`)
	r, err := c.do(ctx, "PROPFIND", coll, map[string]string{"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}, body, conditions{})
	if err != nil {
		return nil, err
	}
	ms, err := parseMultistatus("PROPFIND", coll, r.body)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	self := strings.TrimSuffix(normHref(coll), "/")
	for _, resp := range ms.Responses {
		for _, h := range resp.Hrefs {
			p := normHref(h)
			if strings.TrimSuffix(p, "/") == self {
				continue
			}
			etag, _, ok := resp.props()
			if ok && etag != "" {
				out[p] = etag
			}
		}
	}
	return out, nil
}

// syncChanges is what a sync-collection report returned.
type syncChanges struct {
	changed map[string]string // href -> new ETag
	deleted []string
	token   string
}

// errStaleToken means the server no longer knows the sync token (RFC 6578 §3.2).
var errStaleToken = errors.New("caldav: the sync token is no longer valid")

// syncCollection asks for the changes since token (RFC 6578), following
// truncated replies (507 on the collection) until the server has said all.
func (c *conn) syncCollection(ctx context.Context, coll, token string) (*syncChanges, error) {
	out := &syncChanges{changed: map[string]string{}}
	self := strings.TrimSuffix(normHref(coll), "/")
	for round := 0; round < 100; round++ {
		var tok bytes.Buffer
		xml.EscapeText(&tok, []byte(token))
		body := []byte(xml.Header + `<sync-collection xmlns="DAV:"><sync-token>` + tok.String() + `</sync-token><sync-level>1</sync-level><prop><getetag/></prop></sync-collection>`)
		r, err := c.do(ctx, "REPORT", coll, map[string]string{"Content-Type": "application/xml; charset=utf-8"}, body, conditions{})
		if err != nil {
			if code := statusOf(err); code == http.StatusForbidden || code == http.StatusConflict || (code == http.StatusBadRequest && strings.Contains(string(r.body), "sync-token")) {
				return nil, fmt.Errorf("%w: %v", errStaleToken, err)
			}
			return nil, err
		}
		ms, err := parseMultistatus("REPORT", coll, r.body)
		if err != nil {
			return nil, err
		}
		truncated := false
		for _, resp := range ms.Responses {
			for _, h := range resp.Hrefs {
				p := normHref(h)
				if strings.TrimSuffix(p, "/") == self {
					if statusCode(resp.Status) == http.StatusInsufficientStorage {
						truncated = true
					}
					continue
				}
				if statusCode(resp.Status) == http.StatusNotFound {
					out.deleted = append(out.deleted, p)
					delete(out.changed, p)
					continue
				}
				if etag, _, ok := resp.props(); ok {
					out.changed[p] = etag
				}
			}
		}
		out.token = ms.SyncToken
		if !truncated || ms.SyncToken == "" || ms.SyncToken == token {
			return out, nil
		}
		token = ms.SyncToken
	}
	return out, nil
}

// fetched is one calendar resource as the server holds it.
type fetched struct {
	href, etag, data string
}

// multiget fetches resources by href (calendar-multiget, RFC 4791 §7.9), as
// raw text so that a malformed one can be set aside on its own.
func (c *conn) multiget(ctx context.Context, coll string, hrefs []string) ([]fetched, error) {
	var out []fetched
	for len(hrefs) > 0 {
		n := min(len(hrefs), 50)
		var b strings.Builder
		b.WriteString(xml.Header + `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>`)
		for _, h := range hrefs[:n] {
			b.WriteString("<D:href>")
			xml.EscapeText(&b, []byte((&url.URL{Path: h}).EscapedPath()))
			b.WriteString("</D:href>")
		}
		b.WriteString(`</C:calendar-multiget>`)
		r, err := c.do(ctx, "REPORT", coll, map[string]string{"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}, []byte(b.String()), conditions{})
		if err != nil {
			return nil, err
		}
		ms, err := parseMultistatus("REPORT", coll, r.body)
		if err != nil {
			return nil, err
		}
		for _, resp := range ms.Responses {
			etag, data, ok := resp.props()
			if !ok || len(resp.Hrefs) == 0 {
				continue
			}
			out = append(out, fetched{href: normHref(resp.Hrefs[0]), etag: etag, data: data})
		}
		hrefs = hrefs[n:]
	}
	return out, nil
}

// get fetches one resource; a 404 comes back as a StatusError.
func (c *conn) get(ctx context.Context, href string) (fetched, error) {
	r, err := c.do(ctx, http.MethodGet, href, map[string]string{"Accept": "text/calendar"}, nil, conditions{})
	if err != nil {
		return fetched{}, err
	}
	return fetched{href: normHref(href), etag: r.header.Get("ETag"), data: string(r.body)}, nil
}

// put writes a resource under the given preconditions and returns its new
// ETag (fetched with a GET when the server's reply carries none).
func (c *conn) put(ctx context.Context, href string, data []byte, cond conditions) (string, error) {
	r, err := c.do(ctx, http.MethodPut, href, map[string]string{"Content-Type": "text/calendar; charset=utf-8"}, data, cond)
	if err != nil {
		return "", err
	}
	if etag := r.header.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		return etag, nil
	}
	f, err := c.get(ctx, href)
	if err != nil {
		return "", err
	}
	return f.etag, nil
}

// remove deletes a resource if it still has the given ETag.
func (c *conn) remove(ctx context.Context, href, etag string) error {
	_, err := c.do(ctx, http.MethodDelete, href, nil, nil, conditions{ifMatch: etag})
	return err
}

// mkcalendar creates a calendar collection (RFC 4791 §5.3.1).
func (c *conn) mkcalendar(ctx context.Context, href, name string) error {
	var n bytes.Buffer
	xml.EscapeText(&n, []byte(name))
	body := []byte(xml.Header + `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>` + n.String() +
		`</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`)
	_, err := c.do(ctx, "MKCALENDAR", href, map[string]string{"Content-Type": "application/xml; charset=utf-8"}, body, conditions{})
	return err
}
