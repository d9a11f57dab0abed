package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"relais/sync/hub"
)

// ErrAuth means the hub refused the token (HTTP 401). It is never a
// rejection of a change: nothing is discarded, sync resumes with a new token.
var ErrAuth = errors.New("outbox: the hub refused the token; enter a new one in the sync settings")

// ErrDemo refuses to sync a database that holds generated demo data, which
// would otherwise land in the whole team's records.
var ErrDemo = errors.New("outbox: this database holds demo data, which must not reach your team; open or create another database to sync")

// HTTPError is an answer from the hub other than 2xx and 401.
type HTTPError struct {
	Status     int
	Code       string
	Message    string
	LastSeq    int64
	Epoch      string        // the hub's epoch, with Code "epoch"
	Field      string        // the request field a 400 is about
	RetryAfter time.Duration // from a Retry-After header, 0 if none
}

func (e *HTTPError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("outbox: the hub answered %d: %s", e.Status, e.Message)
	}
	return fmt.Sprintf("outbox: the hub answered %d %s", e.Status, http.StatusText(e.Status))
}

// Temporary reports whether trying again later may succeed: network
// trouble, timeouts, 5xx, 408 and 429. A 4xx about the request itself is
// not temporary.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, ErrAuth) {
		return false
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 || he.Status == http.StatusTooManyRequests || he.Status == http.StatusRequestTimeout
	}
	return !errors.Is(err, context.Canceled)
}

// retryAfter returns the delay the hub asked for, if any.
func retryAfter(err error) time.Duration {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.RetryAfter
	}
	return 0
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// client speaks the hub's HTTP API.
type client struct {
	base  *url.URL
	token string
	hc    *http.Client
}

// NormalizeFingerprint accepts a SHA-256 fingerprint with or without colons,
// in either case, and returns the "AB:CD:…" form the hub prints.
func NormalizeFingerprint(fp string) (string, error) {
	h := strings.ToUpper(strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(fp)))
	if h == "" {
		return "", nil
	}
	if len(h) != 64 || strings.Trim(h, "0123456789ABCDEF") != "" {
		return "", fmt.Errorf("outbox: %q is not a SHA-256 fingerprint (64 hexadecimal digits)", fp)
	}
	var b strings.Builder
	for i := 0; i < 64; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String(), nil
}

// newHTTPClient returns a client that, when fingerprint is set, accepts
// exactly the certificate with that fingerprint (a self-signed hub) and no
// other, whatever the system trusts.
func newHTTPClient(fingerprint string) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 2 * time.Minute
	if fingerprint != "" {
		tr.TLSClientConfig = &tls.Config{
			MinVersion: tls.VersionTLS12,
			// Chain verification is replaced by the pin check below.
			InsecureSkipVerify: true,
			VerifyConnection: func(cs tls.ConnectionState) error {
				if len(cs.PeerCertificates) == 0 {
					return errors.New("the hub sent no certificate")
				}
				if got := hub.Fingerprint(cs.PeerCertificates[0].Raw); got != fingerprint {
					return fmt.Errorf("the hub's certificate fingerprint %s is not the pinned %s", got, fingerprint)
				}
				return nil
			},
		}
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Minute}
}

func (c *client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = query.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("outbox: encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("outbox: %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.hc.Do(req)
	if err != nil {
		// The error names the host, never the token (which is in a header).
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("outbox: cannot reach the hub at %s: %w", c.base.Host, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return ErrAuth
	}
	if resp.StatusCode/100 != 2 {
		he := &HTTPError{Status: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
		var e hub.ErrorResponse
		if b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16)); json.Unmarshal(b, &e) == nil {
			he.Code, he.Message, he.LastSeq, he.Epoch, he.Field = e.Error.Code, e.Error.Message, e.Error.LastSeq, e.Error.Epoch, e.Error.Field
		}
		return he
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		// A reply cut off mid-body: the request may have been applied; the
		// resend is recognised by seq.
		return fmt.Errorf("outbox: read the hub's answer to %s: %w", path, err)
	}
	return nil
}

func (c *client) push(ctx context.Context, req *hub.PushRequest) (*hub.PushResponse, error) {
	var r hub.PushResponse
	return &r, c.do(ctx, "POST", "/v1/push", nil, req, &r)
}

func (c *client) pull(ctx context.Context, cursor int64, limit int) (*pullPage, error) {
	var r pullPage
	q := url.Values{"cursor": {strconv.FormatInt(cursor, 10)}, "limit": {strconv.Itoa(limit)}}
	return &r, c.do(ctx, "GET", "/v1/pull", q, nil, &r)
}

func (c *client) snapshot(ctx context.Context, after string, limit int) (*hub.SnapshotResponse, error) {
	var r hub.SnapshotResponse
	q := url.Values{"after": {after}, "limit": {strconv.Itoa(limit)}}
	return &r, c.do(ctx, "GET", "/v1/snapshot", q, nil, &r)
}

func (c *client) record(ctx context.Context, id string) (*hub.RecordResponse, error) {
	var r hub.RecordResponse
	return &r, c.do(ctx, "GET", "/v1/record", url.Values{"id": {id}}, nil, &r)
}
