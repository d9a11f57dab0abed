package outbox

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
)

// Reasons why a round failed, one per refusal the hub can give and per way
// the network can fail. The Sync screen and `relais sync --status` turn
// them into one sentence that says the cause and what to do (Explain). They
// are saved (kvLastReason) for --status in another process: keep the
// values stable.
const (
	ReasonNone        = ""
	ReasonNotSetUp    = "not_configured"
	ReasonDemo        = "demo"
	ReasonAuth        = "auth"         // 401 unauthorized: token revoked, mistyped, or user disabled
	ReasonDeviceOwner = "device_owner" // 403: the device id belongs to another user
	ReasonSeqGap      = "seq_gap"      // 409: the hub misses changes this laptop no longer has
	ReasonEpoch       = "epoch"        // 409: the hub was restored (handled automatically)
	ReasonTooLarge    = "too_large"    // 413 too_many, too_large
	ReasonBadRequest  = "bad_request"  // 400: malformed, bad_seq, bad_device, bad_utf8
	ReasonNotHub      = "not_hub"      // 404, 405: the address is not a Relais hub
	ReasonBusy        = "busy"         // 429, with Retry-After
	ReasonHubDown     = "hub_down"     // 500 internal
	ReasonUnavailable = "unavailable"  // 502, 503, 504: the hub or its proxy is not serving
	ReasonTLS         = "tls"          // a certificate that is expired, for another name, or a failed handshake
	ReasonTLSUnknown  = "tls_unknown"  // a certificate no known authority signed (a self-signed hub) and no fingerprint set
	ReasonTLSPin      = "tls_pin"      // the certificate is not the one whose fingerprint is set
	ReasonDNS         = "dns"          // the hub's name is unknown
	ReasonRefused     = "refused"      // nothing listens at the address
	ReasonTimeout     = "timeout"      // no answer in time (408 too)
	ReasonNetwork     = "network"      // offline, unreachable, connection cut
	ReasonOther       = "other"
)

// Reason classifies the error of a failed round.
func Reason(err error) string {
	if err == nil {
		return ReasonNone
	}
	if errors.Is(err, ErrAuth) {
		return ReasonAuth
	}
	if errors.Is(err, ErrDemo) {
		return ReasonDemo
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return httpReason(he)
	}
	// TLS before the network: a failed handshake also comes as a net.OpError.
	msg := err.Error()
	var ua x509.UnknownAuthorityError
	switch {
	case strings.Contains(msg, "certificate fingerprint") || strings.Contains(msg, "sent no certificate"):
		return ReasonTLSPin // from newHTTPClient's pinned check
	case errors.As(err, &ua):
		return ReasonTLSUnknown
	}
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	if errors.As(err, &hn) || errors.As(err, &ci) || strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:") {
		return ReasonTLS
	}
	var de *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &de) && !de.IsTimeout:
		return ReasonDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonRefused
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return ReasonTimeout
	}
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &oe) || strings.Contains(msg, "cannot reach the hub") {
		return ReasonNetwork
	}
	if strings.Contains(msg, "no hub is configured") {
		return ReasonNotSetUp
	}
	return ReasonOther
}

// httpReason classifies a non-2xx answer by the hub's code first (it is
// precise), then by status (a proxy in front of the hub sends no code).
func httpReason(he *HTTPError) string {
	switch he.Code {
	case "device_owner":
		return ReasonDeviceOwner
	case "seq_gap":
		return ReasonSeqGap
	case "epoch":
		return ReasonEpoch
	case "too_many", "too_large":
		return ReasonTooLarge
	case "malformed", "bad_seq", "bad_device", "bad_utf8":
		return ReasonBadRequest
	case "unauthorized":
		return ReasonAuth
	case "not_found":
		return ReasonNotHub
	case "internal":
		return ReasonHubDown
	}
	switch s := he.Status; {
	case s == http.StatusUnauthorized:
		return ReasonAuth
	case s == http.StatusForbidden:
		return ReasonDeviceOwner
	case s == http.StatusRequestEntityTooLarge:
		return ReasonTooLarge
	case s == http.StatusNotFound || s == http.StatusMethodNotAllowed:
		return ReasonNotHub
	case s == http.StatusTooManyRequests:
		return ReasonBusy
	case s == http.StatusRequestTimeout:
		return ReasonTimeout
	case s == http.StatusBadGateway || s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout:
		return ReasonUnavailable
	case s >= 500:
		return ReasonHubDown
	case s == http.StatusBadRequest:
		return ReasonBadRequest
	}
	return ReasonOther
}

// explanations are [English, French] sentences: the cause, then what to do.
var explanations = map[string][2]string{
	ReasonNotSetUp: {"No hub is set up: enter the hub's address and your token in the sync settings.",
		"Aucun hub n'est configuré : saisissez l'adresse du hub et votre jeton dans les réglages de synchronisation."},
	ReasonDemo: {"This database holds demo data, which must not reach your team: open or create another database to sync.",
		"Cette base contient des données de démonstration, qui ne doivent pas atteindre l'équipe : ouvrez ou créez une autre base pour synchroniser."},
	ReasonAuth: {"The hub refused your token (revoked, mistyped, or your account disabled): ask the hub's administrator for a new one and enter it in the sync settings; nothing waiting is lost.",
		"Le hub a refusé votre jeton (révoqué, mal saisi ou compte désactivé) : demandez-en un nouveau à l'administrateur du hub et saisissez-le dans les réglages ; rien de ce qui attend n'est perdu."},
	ReasonDeviceOwner: {"The hub has this laptop's device id registered to another user: sync again (Relais takes a new id by itself); if it persists, ask the hub's administrator.",
		"Le hub attribue l'identifiant de ce poste à un autre utilisateur : relancez la synchronisation (Relais prend seul un nouvel identifiant) ; si cela persiste, contactez l'administrateur du hub."},
	ReasonSeqGap: {"The hub lacks older changes of this laptop that it no longer keeps (a hub restored from a very old backup): ask the hub's administrator; your changes stay queued here.",
		"Le hub n'a pas d'anciennes modifications de ce poste qu'il ne conserve plus (hub restauré depuis une sauvegarde très ancienne) : contactez l'administrateur du hub ; vos modifications restent en attente ici."},
	ReasonEpoch: {"The hub was restored from a backup: Relais is sending again what it lost and pulling everything; sync again if this stays.",
		"Le hub a été restauré depuis une sauvegarde : Relais lui renvoie ce qu'il a perdu et reprend toutes les données ; relancez si ce message reste."},
	ReasonTooLarge: {"The hub refused a request as too large: it accepts smaller ones than this Relais sends; ask its administrator to update the hub.",
		"Le hub a refusé une requête trop volumineuse : il en accepte de plus petites que celles de ce Relais ; demandez à son administrateur de mettre le hub à jour."},
	ReasonBadRequest: {"The hub could not read a request from this laptop (the message below names the field): update Relais, or report it to support with that message.",
		"Le hub n'a pas pu lire une requête de ce poste (le message ci-dessous nomme le champ) : mettez Relais à jour ou signalez-le au support avec ce message."},
	ReasonNotHub: {"Nothing at this address answers like a Relais hub: check the hub's address in the sync settings.",
		"Rien à cette adresse ne répond comme un hub Relais : vérifiez l'adresse du hub dans les réglages de synchronisation."},
	ReasonBusy: {"The hub is busy and asked to wait: Relais tries again by itself at the time it gave, nothing to do.",
		"Le hub est occupé et a demandé d'attendre : Relais réessaie de lui-même à l'heure indiquée, rien à faire."},
	ReasonHubDown: {"The hub had an internal problem: Relais tries again by itself; if it lasts, tell the hub's administrator, who will find the cause in the hub's log.",
		"Le hub a rencontré un problème interne : Relais réessaie de lui-même ; si cela dure, prévenez l'administrateur du hub, qui en trouvera la cause dans son journal."},
	ReasonUnavailable: {"The hub is not serving right now (restarting, in maintenance, or its proxy cannot reach it): Relais tries again by itself; if it lasts, tell the hub's administrator.",
		"Le hub ne répond pas pour l'instant (redémarrage, maintenance, ou son proxy ne l'atteint pas) : Relais réessaie de lui-même ; si cela dure, prévenez l'administrateur du hub."},
	ReasonTLS: {"The secure connection to the hub failed (a certificate expired or made for another address): check the hub's address and tell its administrator.",
		"La connexion sécurisée au hub a échoué (certificat expiré ou établi pour une autre adresse) : vérifiez l'adresse du hub et prévenez son administrateur."},
	ReasonTLSUnknown: {"The hub's certificate is signed by no authority this laptop knows (a self-signed hub): enter its fingerprint, given by the hub's administrator, in the sync settings.",
		"Le certificat du hub n'est signé par aucune autorité connue de ce poste (hub auto-signé) : saisissez son empreinte, fournie par l'administrateur du hub, dans les réglages."},
	ReasonTLSPin: {"The hub's certificate is not the one whose fingerprint is set, so Relais sends nothing: check the fingerprint with the hub's administrator before changing it.",
		"Le certificat du hub n'est pas celui dont l'empreinte est enregistrée, donc Relais n'envoie rien : vérifiez l'empreinte avec l'administrateur du hub avant de la changer."},
	ReasonDNS: {"The hub's name cannot be found: check the hub's address in the sync settings, or your network connection.",
		"Le nom du hub est introuvable : vérifiez l'adresse du hub dans les réglages, ou votre connexion réseau."},
	ReasonRefused: {"Nothing answers at the hub's address (the hub is stopped, or the port is wrong): check the address, or ask the hub's administrator; your changes are kept.",
		"Rien ne répond à l'adresse du hub (hub arrêté ou mauvais port) : vérifiez l'adresse ou contactez l'administrateur du hub ; vos modifications sont conservées."},
	ReasonTimeout: {"The hub did not answer in time (a slow or cut connection): Relais tries again by itself; your changes are kept.",
		"Le hub n'a pas répondu à temps (connexion lente ou coupée) : Relais réessaie de lui-même ; vos modifications sont conservées."},
	ReasonNetwork: {"The hub cannot be reached (no network, or the connection was cut): your changes are kept and sent as soon as it answers.",
		"Le hub est injoignable (pas de réseau, ou connexion coupée) : vos modifications sont conservées et partiront dès qu'il répondra."},
	ReasonOther: {"The last sync failed: see the message below; Relais tries again by itself.",
		"La dernière synchronisation a échoué : voyez le message ci-dessous ; Relais réessaie de lui-même."},
}

// Explain is the one-sentence explanation of reason in lang ("fr" or "en");
// "" when there is nothing to explain.
func Explain(reason, lang string) string {
	e, ok := explanations[reason]
	if !ok {
		return ""
	}
	if lang == "fr" {
		return e[1]
	}
	return e[0]
}
