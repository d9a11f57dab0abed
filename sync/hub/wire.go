package hub

import "encoding/json"

// The JSON messages of the hub's HTTP API (version 1). The desktop client
// (sync/outbox) speaks the same types.

// PushRequest carries a device's queued changes in seq order, whole user
// actions (tx_id groups) except, when Open is set, the last one: a user
// action larger than one request (a 100,000-row import) is sent in parts the
// hub stages and applies all together when its last part arrives.
type PushRequest struct {
	Device  string   `json:"device"`
	Changes []Change `json:"changes"`
	// Open says the last action of Changes continues in the next request.
	Open bool `json:"open,omitempty"`
	// Epoch is the hub epoch this laptop last synced with and Acked the last
	// seq the hub acknowledged to it then: a hub that now knows fewer of
	// this device's changes was restored from an older backup. Hub is the
	// identity of the hub they belong to; another hub ignores them.
	Hub   string `json:"hub,omitempty"`
	Epoch string `json:"epoch,omitempty"`
	Acked int64  `json:"acked,omitempty"`
}

// Change is one outbox row on the wire.
type Change struct {
	Seq    int64           `json:"seq"`
	TxID   string          `json:"tx_id"`
	Entity string          `json:"entity"`
	ID     string          `json:"id"`
	Op     string          `json:"op"` // put | patch | delete
	Data   json.RawMessage `json:"data"`
	HLC    string          `json:"hlc"`
	// Base is the hub sequence the device had pulled up to when the change was
	// made: a stored field written after Base by another device was unknown
	// to the user, so overwriting it is a conflict.
	Base int64 `json:"base"`
}

// Result statuses of a pushed change.
const (
	StatusApplied   = "applied"
	StatusDuplicate = "duplicate" // already applied by an earlier delivery
	StatusRejected  = "rejected"
	StatusStaged    = "staged" // part of an action whose last part has not arrived: not applied yet
)

// Rejection codes. Validation failures use "invalid"; the per-field
// details carry model's codes (required, invalid, too_long, out_of_range, order).
const (
	CodeInvalid       = "invalid"        // the record would break a validation rule
	CodeMalformed     = "malformed"      // the change cannot be read (unknown kind, field, shape)
	CodeUnknownRecord = "unknown_record" // patch or delete of a record the hub never accepted
	CodeDuplicate     = "duplicate_value"
	CodeGroup         = "group_rejected" // another change of the same user action was refused
)

// PushResponse answers a push: the device's last processed seq and one
// result per change sent, in order.
type PushResponse struct {
	LastSeq int64    `json:"last_seq"`
	Results []Result `json:"results"`
	// Staged is the last seq of the device's open action the hub holds
	// staged (0 if none): the next request continues after it.
	Staged int64 `json:"staged,omitempty"`
	// Actions are the verdicts of the staged actions this request completed,
	// for the changes sent in earlier requests.
	Actions []ActionResult `json:"actions,omitempty"`
	Epoch   string         `json:"epoch,omitempty"`
}

// ActionResult is the verdict of one user action sent in parts: every change
// from From to To (device seqs) was applied with versions Version,
// Version+1, … in seq order, or recognised as already applied (Version is
// then the action's last hub seq), or rejected: change Culprit with Code,
// Message and Fields, the others with CodeGroup.
type ActionResult struct {
	TxID    string       `json:"tx_id"`
	From    int64        `json:"from"`
	To      int64        `json:"to"`
	Status  string       `json:"status"`
	Version int64        `json:"version,omitempty"`
	Culprit int64        `json:"culprit,omitempty"`
	Code    string       `json:"code,omitempty"`
	Message string       `json:"message,omitempty"`
	Fields  []FieldError `json:"fields,omitempty"`
}

// Result is the outcome of one pushed change.
type Result struct {
	Seq     int64        `json:"seq"`
	Status  string       `json:"status"`
	Version int64        `json:"version,omitempty"` // hub sequence of the applied change
	Code    string       `json:"code,omitempty"`
	Message string       `json:"message,omitempty"`
	Fields  []FieldError `json:"fields,omitempty"`
}

// FieldError names the field a rejection is about.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// PullResponse is one page of the change log after a cursor.
type PullResponse struct {
	Hub     string         `json:"hub"` // the hub's identity: a new one means start over
	Changes []PulledChange `json:"changes"`
	Next    int64          `json:"next"` // the cursor to ask from next
	More    bool           `json:"more"`
	// Reset means the cursor is older than the change log the hub keeps: the
	// client must take a snapshot (GET /v1/snapshot) and pull from its cursor.
	Reset bool `json:"reset,omitempty"`
}

// PulledChange is one entry of the hub's change log: what a change set
// after merging (fields that lost are absent), who made it, and the conflicts
// it won.
type PulledChange struct {
	Seq       int64           `json:"seq"`
	Entity    string          `json:"entity"`
	ID        string          `json:"id"`
	Op        string          `json:"op"`
	Data      json.RawMessage `json:"data"`
	HLC       string          `json:"hlc"`
	Device    string          `json:"device"`
	DeviceSeq int64           `json:"device_seq"` // the change's seq on its device
	User      string          `json:"user"`
	At        string          `json:"at"`
	Conflicts []Conflict      `json:"conflicts,omitempty"`
}

// Conflict kinds.
const (
	ConflictField  = "field"  // a concurrent write to the same field lost
	ConflictDelete = "delete" // a concurrent edit lost to a deletion (or a restore lost)
)

// Conflict is a value that lost, found while applying the change that carries
// it. The loser is usually an earlier write the change overwrote; for a
// restore that lost to a concurrent deletion, it is the change itself.
type Conflict struct {
	Kind  string `json:"kind"`
	Field string `json:"field"` // "" for edits that lost to a deletion
	// Lost is the losing value; for edits that lost to a deletion, the
	// object of the fields they had set.
	Lost       json.RawMessage `json:"lost"`
	LostBy     string          `json:"lost_by"`
	LostDevice string          `json:"lost_device"`
	LostHLC    string          `json:"lost_hlc"`
	LostSeq    int64           `json:"lost_seq"`
	Won        json.RawMessage `json:"won"`
	WonBy      string          `json:"won_by"`
	WonDevice  string          `json:"won_device"`
	WonHLC     string          `json:"won_hlc"`
	WonSeq     int64           `json:"won_seq"`
}

// SnapshotResponse is one page of every record the hub holds, tombstones
// included, for a client whose cursor was reset.
type SnapshotResponse struct {
	Hub     string           `json:"hub"`
	Cursor  int64            `json:"cursor"` // pull from here once every page is applied
	Records []SnapshotRecord `json:"records"`
	Next    string           `json:"next"` // opaque position of the next page
	More    bool             `json:"more"`
}

// SnapshotRecord is one record's current fields.
type SnapshotRecord struct {
	Entity  string          `json:"entity"`
	ID      string          `json:"id"`
	Fields  json.RawMessage `json:"fields"`
	Version int64           `json:"version"`
	At      string          `json:"at,omitempty"` // acceptance time of the record's last change (updated_at); "" if unknown
}

// RecordResponse answers GET /v1/record: the hub's copy of one record, used
// to discard a refused local change.
type RecordResponse struct {
	Exists  bool            `json:"exists"`
	Fields  json.RawMessage `json:"fields,omitempty"`
	Version int64           `json:"version,omitempty"`
}

// Health answers GET /v1/health.
type Health struct {
	OK      bool   `json:"ok"`
	Hub     string `json:"hub"`
	Version string `json:"version"`
	Seq     int64  `json:"seq"`
	Epoch   string `json:"epoch,omitempty"`
}

// ErrorResponse is the body of every non-2xx answer.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody says what went wrong; LastSeq accompanies "seq_gap" and
// "epoch", Epoch the hub's current epoch, Field the request field a 400 is
// about.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	LastSeq int64  `json:"last_seq,omitempty"`
	Epoch   string `json:"epoch,omitempty"`
	Field   string `json:"field,omitempty"`
}
