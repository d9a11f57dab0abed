package outbox

import (
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
)

// Reasons why a round failed, one per refusal the hub can give and per way
// the network can fail. The Sync screen and `relais sync --status` turn
// them into one sentence that says the cause and what to do (Explain).
const (
	ReasonNone        = ""
	ReasonNotSetUp    = "not_configured"
	ReasonDemo        = "demo"
	ReasonAuth        = "auth"         // 401: token revoked or mistyped
	ReasonDeviceOwner = "device_owner" // 403: the device id belongs to another user
	ReasonSeqGap      = "seq_gap"      // 409: the hub misses changes this laptop no longer has
	ReasonEpoch       = "epoch"        // 409: the hub was restored (handled automatically)
	ReasonTooLarge    = "too_large"    // 413
	ReasonBadRequest  = "bad_request"  // 400: malformed, bad_seq, bad_device, bad_utf8
	ReasonNotHub      = "not_hub"      // 404: the address is not a Relais hub
	ReasonBusy        = "busy"         // 429
	ReasonHubDown     = "hub_down"     // 5xx
	ReasonTLS         = "tls"          // certificate unknown or fingerprint mismatch
	ReasonNetwork     = "network"      // DNS, refused, timeout, offline
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
		switch {
		case he.Code == "device_owner" || he.Status == http.StatusForbidden:
			return ReasonDeviceOwner
		case he.Code == "seq_gap":
			return ReasonSeqGap
		case he.Code == "epoch":
			return ReasonEpoch
		case he.Status == http.StatusRequestEntityTooLarge:
			return ReasonTooLarge
		case he.Status == http.StatusNotFound || he.Status == http.StatusMethodNotAllowed:
			return ReasonNotHub
		case he.Status == http.StatusTooManyRequests:
			return ReasonBusy
		case he.Status >= 500:
			return ReasonHubDown
		case he.Status == http.StatusBadRequest:
			return ReasonBadRequest
		}
		return ReasonOther
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	if errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) || strings.Contains(err.Error(), "fingerprint") || strings.Contains(err.Error(), "tls:") {
		return ReasonTLS
	}
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	if errors.As(err, &ne) || errors.As(err, &oe) || errors.As(err, &de) || strings.Contains(err.Error(), "cannot reach the hub") {
		return ReasonNetwork
	}
	if strings.Contains(err.Error(), "no hub is configured") {
		return ReasonNotSetUp
	}
	return ReasonOther
}

// explanations are [English, French] sentences: the cause, then what to do.
var explanations = map[string][2]string{
	ReasonNotSetUp: {"No hub is set up: enter the hub's address and your token in the sync settings.",
		"Aucun hub n'est configuré : saisissez l'adresse du hub et votre jeton dans les réglages de synchronisation."},
	ReasonDemo: {"This database holds demo data, which must not reach your team: open or create another database to sync.",
		"Cette base contient des données de démonstration, qui ne doivent pas atteindre l'équipe : ouvrez ou créez une autre base pour synchroniser."},
	ReasonAuth: {"The hub refused your token (revoked or mistyped): ask the hub's administrator for a new one and enter it in the sync settings; nothing waiting is lost.",
		"Le hub a refusé votre jeton (révoqué ou mal saisi) : demandez-en un nouveau à l'administrateur du hub et saisissez-le dans les réglages ; rien de ce qui attend n'est perdu."},
	ReasonDeviceOwner: {"The hub has this laptop's device id registered to another user: sync again (Relais takes a new id by itself); if it persists, ask the hub's administrator.",
		"Le hub attribue l'identifiant de ce poste à un autre utilisateur : relancez la synchronisation (Relais prend seul un nouvel identifiant) ; si cela persiste, contactez l'administrateur du hub."},
	ReasonSeqGap: {"The hub lacks older changes of this laptop that it no longer keeps (a hub restored from a very old backup): ask the hub's administrator; your changes stay queued here.",
		"Le hub n'a pas d'anciennes modifications de ce poste qu'il ne conserve plus (hub restauré depuis une sauvegarde très ancienne) : contactez l'administrateur du hub ; vos modifications restent en attente ici."},
	ReasonEpoch: {"The hub was restored from a backup: Relais is sending again what it lost and pulling everything; sync again if this stays.",
		"Le hub a été restauré depuis une sauvegarde : Relais lui renvoie ce qu'il a perdu et reprend toutes les données ; relancez si ce message reste."},
	ReasonTooLarge: {"The hub refused a request as too large: it accepts smaller ones than this Relais sends; ask its administrator to update the hub.",
		"Le hub a refusé une requête trop volumineuse : il en accepte de plus petites que celles de ce Relais ; demandez à son administrateur de mettre le hub à jour."},
	ReasonBadRequest: {"The hub could not read a request from this laptop (the message names the field): update Relais, or report it to support with that message.",
		"Le hub n'a pas pu lire une requête de ce poste (le message nomme le champ) : mettez Relais à jour ou signalez-le au support avec ce message."},
	ReasonNotHub: {"Nothing at this address answers like a Relais hub: check the hub's address in the sync settings.",
		"Rien à cette adresse ne répond comme un hub Relais : vérifiez l'adresse du hub dans les réglages de synchronisation."},
	ReasonBusy: {"The hub is busy and asked to wait: Relais tries again by itself shortly.",
		"Le hub est occupé et a demandé d'attendre : Relais réessaie de lui-même sous peu."},
	ReasonHubDown: {"The hub had a problem on its side: Relais tries again by itself; if it lasts, tell the hub's administrator.",
		"Le hub a rencontré un problème de son côté : Relais réessaie de lui-même ; si cela dure, prévenez l'administrateur du hub."},
	ReasonTLS: {"The hub's certificate is not the expected one: check the fingerprint in the sync settings with the hub's administrator before going on.",
		"Le certificat du hub n'est pas celui attendu : vérifiez l'empreinte dans les réglages avec l'administrateur du hub avant de continuer."},
	ReasonNetwork: {"The hub cannot be reached (no network, or the hub is off): your changes are kept and sent as soon as it answers.",
		"Le hub est injoignable (pas de réseau, ou hub arrêté) : vos modifications sont conservées et partiront dès qu'il répondra."},
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
