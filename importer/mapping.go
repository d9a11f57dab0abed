package importer

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"relais/export"
	"relais/model"
)

// Field is a target a file column can be mapped to.
type Field struct {
	Name  string // a db field of the kind, or a virtual one (full_name, line.*)
	Type  export.ColType
	Ref   model.Kind // for references: resolved by id or by label
	Multi bool       // several columns may feed it: their values are combined
}

// Virtual fields, filled from columns but stored elsewhere.
const (
	FieldFullName        = "full_name" // contacts: split into first and last name
	FieldLineProduct     = "line.product"
	FieldLineDescription = "line.description"
	FieldLineQuantity    = "line.quantity"
	FieldLineUnitPrice   = "line.unit_price"
	FieldLineDiscount    = "line.discount"
	FieldLineTaxRate     = "line.tax_rate"
)

// multiLine are the text fields that keep line breaks; elsewhere a line
// break in a cell becomes a space (the store refuses multi-line names).
var multiLine = map[string]bool{"notes": true, "note": true, "description": true, "ship_to": true, "address": true,
	"body": true, "terms": true, "cover_letter": true, "consent_text": true, "resolution": true, "summary": true, "outcome": true,
	FieldLineDescription: true}

var (
	fieldsMu    sync.Mutex
	fieldsCache = map[model.Kind][]Field{}
)

// Fields lists what columns of a kind's file can be mapped to.
func Fields(k model.Kind) []Field {
	fieldsMu.Lock()
	defer fieldsMu.Unlock()
	if fs, ok := fieldsCache[k]; ok {
		return fs
	}
	fs := buildFields(k)
	fieldsCache[k] = fs
	return fs
}

func buildFields(k model.Kind) []Field {
	var out []Field
	for _, c := range export.Columns(k) {
		if c.Field == "created_at" || c.Field == "updated_at" {
			continue
		}
		f := Field{Name: c.Field, Type: c.Type, Ref: c.Ref}
		f.Multi = c.Type == export.TypeList || c.Field == "notes"
		out = append(out, f)
	}
	switch k {
	case model.KindContact:
		out = append(out, Field{Name: FieldFullName, Type: export.TypeText}, Field{Name: "photo", Type: export.TypeText})
	case model.KindOrder:
		out = append(out,
			Field{Name: FieldLineProduct, Type: export.TypeRef, Ref: model.KindProduct},
			Field{Name: FieldLineDescription, Type: export.TypeText},
			Field{Name: FieldLineQuantity, Type: export.TypeQuantity},
			Field{Name: FieldLineUnitPrice, Type: export.TypeMoney},
			Field{Name: FieldLineDiscount, Type: export.TypePercent},
			Field{Name: FieldLineTaxRate, Type: export.TypePercent})
	}
	return out
}

func fieldByName(k model.Kind, name string) (Field, bool) {
	for _, f := range Fields(k) {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldTitle is how the mapping screen names a target field, in lang.
func FieldTitle(k model.Kind, name, lang string) string {
	switch name {
	case FieldFullName:
		return export.Text(lang, "io.col.full_name")
	case FieldLineProduct, FieldLineDescription, FieldLineQuantity, FieldLineUnitPrice, FieldLineDiscount, FieldLineTaxRate:
		return export.Text(lang, "io.col."+name)
	}
	return export.Header(k, name, lang)
}

// Mapping gives, for each column of a file, the field it feeds ("" = ignored).
type Mapping []string

// normHeader folds a column title for matching: lower case, no accents, no
// spaces or punctuation ("Prénom" → "prenom", "E-mail Address" → "emailaddress").
// It also folds names and labels for de-duplication, so it runs several
// times per imported row: ASCII takes a fast path, and the accent-stripped
// form of other letters is computed once per letter.
func normHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
				b.WriteRune(r)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteString(foldRune(r))
		}
	}
	return b.String()
}

var foldCache sync.Map // rune → string

// foldRune lower-cases a letter and removes its accents: "É" → "e", "œ" → "œ".
func foldRune(r rune) string {
	if v, ok := foldCache.Load(r); ok {
		return v.(string)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, string(unicode.ToLower(r)))
	if err != nil {
		out = string(unicode.ToLower(r))
	}
	foldCache.Store(r, out)
	return out
}

// synonyms are column titles seen in real files — French and English
// spreadsheets, HubSpot, Salesforce, Pipedrive, Outlook, Google and
// Thunderbird contact exports — already normalised by normHeader.
var synonyms = map[model.Kind]map[string][]string{
	model.KindContact: {
		"id":             {"id", "relaisid", "identifiant", "recordid", "contactid"},
		"first_name":     {"firstname", "prenom", "givenname", "first", "prenoms"},
		"last_name":      {"lastname", "nom", "nomdefamille", "surname", "familyname", "last", "nomdenaissance"},
		FieldFullName:    {"name", "fullname", "displayname", "nomcomplet", "contactname", "prenometnom", "nometprenom", "contact"},
		"title":          {"jobtitle", "title", "fonction", "poste", "position", "titre", "role", "jobfunction", "intituleduposte", "intituledeposte"},
		"emails":         {"email", "emails", "emailaddress", "mail", "courriel", "adressemail", "adresseemail", "adressee", "primaryemail", "secondaryemail", "emailwork", "emailhome", "emailother", "workemail", "homeemail", "otheremail", "emailprofessionnel", "emailpersonnel", "additionalemailaddresses"},
		"phones":         {"phone", "phones", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "mobilenumber", "portable", "workphone", "homephone", "phonework", "phonehome", "phoneother", "telephonefixe", "telephoneportable", "businessphone", "telephonebureau", "cellphone", "otherphone", "numerodetelephone", "numerodetelephonemobile", "numerodeportable"},
		"account_id":     {"company", "companyname", "organization", "organisation", "societe", "entreprise", "account", "accountname", "compte", "associatedcompany", "employer", "raisonsociale", "nomdelentreprise", "organizationname"},
		"language":       {"language", "langue", "preferredlanguage", "languepreferee"},
		"source":         {"source", "leadsource", "origine", "originalsource", "sourceducontact"},
		"owner_id":       {"owner", "contactowner", "responsable", "proprietaire", "salesrep", "assignedto", "commercial", "proprietaireducontact"},
		"tags":           {"tags", "tag", "etiquettes", "etiquette", "categories", "labels", "lifecyclestage", "leadstatus", "groups", "groupes", "phasedecycledevie", "phaseducycledevie"},
		"consent":        {"consent", "optin", "hasnewsletter", "newsletter", "consentement", "marketingconsent", "emailoptin", "subscribed"},
		"consent_at":     {"consentdate", "consentat", "optindate", "dateduconsentement"},
		"consent_text":   {"consenttext", "texteduconsentement"},
		"consent_source": {"consentsource", "originedeconsentement", "origineduconsentement"},
		"grade":          {"grade", "leadgrade", "rating", "notation", "leadrating"},
		"notes":          {"notes", "note", "comments", "comment", "commentaire", "commentaires", "description", "background", "remarks", "remarques"},
		"photo":          {"photo", "picture", "avatar", "photourl"},
	},
	model.KindAccount: {
		"id":          {"id", "relaisid", "identifiant", "recordid", "accountid", "companyid"},
		"name":        {"name", "companyname", "company", "accountname", "raisonsociale", "societe", "entreprise", "nom", "organisation", "organization", "nomdelentreprise", "compte", "client"},
		"industry":    {"industry", "secteur", "secteurdactivite", "sector", "activite"},
		"segment":     {"segment", "lifecyclestage", "type", "companytype", "typedecompte", "categorie"},
		"region":      {"region", "territory", "territoire", "stateregion", "state"},
		"street":      {"street", "address", "adresse", "streetaddress", "rue", "address1", "billingstreet", "adresse1", "streetaddress1"},
		"postal_code": {"zip", "zipcode", "postalcode", "codepostal", "cp", "postcode", "billingpostalcode", "postalcodezip"},
		"city":        {"city", "ville", "town", "localite", "billingcity", "commune"},
		"country":     {"country", "pays", "countryregion", "billingcountry", "paysregion"},
		"ship_to":     {"shipto", "shippingaddress", "adressedelivraison", "deliveryaddress"},
		"website":     {"website", "web", "site", "siteweb", "url", "websiteurl", "companydomainname", "domain", "siteinternet", "domainname"},
		"phone":       {"phone", "telephone", "phonenumber", "tel", "standard", "mainphone", "numerodetelephone"},
		"email":       {"email", "mail", "courriel", "emailaddress", "adresseemail"},
		"vat_number":  {"vat", "vatnumber", "tva", "numerotva", "ndetva", "notva", "ntva", "ndetvaintracommunautaire", "tvaintracom", "tvaintracommunautaire", "taxid", "vatid"},
		"owner_id":    {"owner", "companyowner", "accountowner", "responsable", "commercial", "proprietaire"},
		"notes":       {"notes", "note", "description", "comments", "commentaire", "commentaires", "about"},
		"tags":        {"tags", "etiquettes", "labels", "categories"},
	},
	model.KindProduct: {
		"id":           {"id", "relaisid", "productid"},
		"sku":          {"sku", "reference", "ref", "code", "productcode", "itemcode", "article", "codearticle", "refarticle", "partnumber", "itemnumber"},
		"name":         {"name", "productname", "nom", "designation", "libelle", "produit", "product", "item", "itemname", "nomduproduit"},
		"description":  {"description", "details", "longdescription", "descriptif"},
		"category":     {"category", "categorie", "famille", "gamme", "productcategory", "productfamily", "type"},
		"unit":         {"unit", "unite", "uom", "unitofmeasure", "unitedemesure"},
		"price_minor":  {"price", "unitprice", "prix", "prixunitaire", "prixht", "tarif", "listprice", "pu", "puht", "salesprice", "prixdevente"},
		"currency":     {"currency", "devise", "monnaie"},
		"tax_rate_bp":  {"tax", "taxrate", "vat", "tva", "tauxtva", "tauxdetva", "vatrate", "taxe"},
		"availability": {"availability", "disponibilite", "stock", "stockstatus", "etatdustock"},
		"image_path":   {"image", "imagepath", "photo", "picture"},
	},
	model.KindProductPrice: {
		"id":             {"id", "relaisid"},
		"product_id":     {"sku", "reference", "ref", "product", "produit", "code", "productcode", "article", "codearticle"},
		"price_minor":    {"price", "prix", "tarif", "unitprice", "prixunitaire", "prixht", "listprice", "pu", "puht"},
		"currency":       {"currency", "devise", "monnaie"},
		"effective_from": {"effectivefrom", "validfrom", "from", "date", "startdate", "datedeffet", "applicablele", "envigueurle", "envigueur", "apartirdu", "debut"},
		"note":           {"note", "notes", "comment", "commentaire", "remarque"},
	},
	model.KindDeal: {
		"id":             {"id", "relaisid", "dealid", "recordid"},
		"title":          {"title", "dealname", "name", "nom", "affaire", "opportunity", "opportunityname", "subject", "intitule", "nomdelaffaire"},
		"account_id":     {"company", "account", "companyname", "associatedcompany", "client", "compte", "societe", "organization", "organisation", "accountname"},
		"contact_id":     {"contact", "associatedcontact", "contactname", "person", "personne", "contactperson"},
		"stage_id":       {"stage", "dealstage", "etape", "phase", "pipelinestage", "stade", "etapedelaffaire"},
		"amount_minor":   {"amount", "montant", "value", "valeur", "dealamount", "dealvalue", "montantht"},
		"currency":       {"currency", "devise", "monnaie", "dealcurrency", "currencycode"},
		"probability":    {"probability", "probabilite", "dealprobability", "winprobability"},
		"expected_close": {"closedate", "expectedclose", "expectedclosedate", "dateclotureprevue", "cloture", "clotureprevue", "datedecloture", "expectedclosingdate"},
		"owner_id":       {"owner", "dealowner", "responsable", "commercial", "proprietaire"},
		"status":         {"status", "statut", "outcome", "etat"},
		"closed_on":      {"closedon", "closedwondate", "closedat", "closuredate", "datedefermeture", "closeddate", "wondate"},
		"lost_reason":    {"lostreason", "closedlostreason", "motifdeperte", "raisondelaperte"},
		"grade":          {"grade", "rating", "notation"},
		"notes":          {"notes", "note", "description", "comments", "commentaire", "commentaires"},
	},
	model.KindOrder: {
		"id":                 {"id", "relaisid", "orderid"},
		"number":             {"number", "ordernumber", "orderno", "ordernum", "numero", "numerocommande", "numerodecommande", "ncommande", "commande", "order", "bondecommande", "refcommande", "orderreference", "ponumber"},
		"account_id":         {"company", "account", "client", "customer", "compte", "societe", "companyname", "customername", "nomduclient"},
		"contact_id":         {"contact", "contactname", "buyer", "acheteur"},
		"owner_id":           {"owner", "salesrep", "commercial", "responsable"},
		"order_date":         {"date", "orderdate", "datecommande", "datedecommande", "dateofpurchase", "purchasedate"},
		"currency":           {"currency", "devise", "monnaie"},
		"status":             {"status", "statut", "orderstatus", "etat"},
		"promised_date":      {"promiseddate", "datepromise", "datedelivraisonprevue", "expecteddelivery", "duedate", "deliverydate"},
		"delivered_date":     {"delivereddate", "datelivraison", "datedelivraison", "livrele", "deliveredon"},
		"net_minor":          {"total", "net", "amount", "montant", "totalht", "montantht", "nettotal", "ordertotal", "subtotal"},
		FieldLineProduct:     {"sku", "product", "produit", "reference", "article", "code", "productcode", "codearticle", "itemcode", "item"},
		FieldLineDescription: {"description", "designation", "libelle", "linedescription", "itemdescription"},
		FieldLineQuantity:    {"quantity", "qty", "quantite", "qte"},
		FieldLineUnitPrice:   {"unitprice", "price", "prix", "prixunitaire", "pu", "puht"},
		FieldLineDiscount:    {"discount", "remise", "rabais", "discountpercent"},
		FieldLineTaxRate:     {"tax", "taxrate", "tva", "vat", "tauxtva", "vatrate"},
	},
}

// headerIndex maps a normalised title to a field, per kind: the synonyms
// plus the titles of Relais' own list exports in both languages, so an
// exported list reads straight back in.
var headerIndex = func() map[model.Kind]map[string]string {
	idx := map[model.Kind]map[string]string{}
	for _, k := range model.Kinds() {
		m := map[string]string{}
		for _, f := range Fields(k) {
			for _, lang := range []string{"en", "fr"} {
				if h := normHeader(FieldTitle(k, f.Name, lang)); h != "" {
					if _, taken := m[h]; !taken {
						m[h] = f.Name
					}
				}
			}
			if _, taken := m[normHeader(f.Name)]; !taken {
				m[normHeader(f.Name)] = f.Name
			}
		}
		// Hand-written synonyms win over generated titles.
		for field, syns := range synonyms[k] {
			for _, s := range syns {
				m[s] = field
			}
		}
		idx[k] = m
	}
	return idx
}()

// knownHeader reports whether s is a column title the mapper recognises for
// any kind; it helps decide whether a file's first row is a header.
func knownHeader(s string) bool {
	h := normHeader(s)
	for _, m := range headerIndex {
		if _, ok := m[h]; ok {
			return true
		}
	}
	return false
}

// Suggest proposes a field for each column from its title. A field that
// takes one value is given to the first column that matches it; list fields
// (e-mails, phones, tags) and notes take every matching column.
func Suggest(k model.Kind, columns []string) Mapping {
	idx := headerIndex[k]
	m := make(Mapping, len(columns))
	used := map[string]bool{}
	for i, c := range columns {
		field := matchHeader(idx, c)
		if field == "" {
			continue
		}
		f, _ := fieldByName(k, field)
		if used[field] && !f.Multi {
			continue
		}
		used[field] = true
		m[i] = field
	}
	// A full-name column is only needed when first and last names are absent.
	if used["first_name"] || used["last_name"] {
		for i, f := range m {
			if f == FieldFullName {
				m[i] = ""
			}
		}
	}
	return m
}

// matchHeader finds the field for a title: exactly, then without trailing
// digits ("Email 2"), then without a trailing bracketed part ("Phone (work)").
func matchHeader(idx map[string]string, title string) string {
	if i := strings.IndexAny(title, "(["); i > 0 {
		if f := matchHeader(idx, title[:i]); f != "" {
			return f
		}
	}
	h := normHeader(title)
	if f, ok := idx[h]; ok {
		return f
	}
	if t := strings.TrimRight(h, "0123456789"); t != h && t != "" {
		if f, ok := idx[t]; ok {
			return f
		}
	}
	return ""
}

// MappingFile is the JSON form of a column mapping, for `relais import
// --mapping FILE` and for saving what the mapping screen chose. Columns are
// keyed by title, or by position ("#1" is the first column) for files
// without a header. Options left out keep their detected or default value.
type MappingFile struct {
	Kind        string            `json:"kind,omitempty"`
	Encoding    string            `json:"encoding,omitempty"`
	Delimiter   string            `json:"delimiter,omitempty"`
	Header      string            `json:"header,omitempty"`
	Sheet       string            `json:"sheet,omitempty"`
	Columns     map[string]string `json:"columns"`
	OnDuplicate string            `json:"on_duplicate,omitempty"`
	SkipBadRows bool              `json:"skip_bad_rows,omitempty"`
	Currency    string            `json:"currency,omitempty"`
	DateOrder   string            `json:"date_order,omitempty"`
	Decimal     string            `json:"decimal,omitempty"`
}

// LoadMapping reads a mapping file.
func LoadMapping(path string) (*MappingFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("importer: mapping: %w", err)
	}
	var mf MappingFile
	if err := json.Unmarshal(b, &mf); err != nil {
		return nil, fmt.Errorf("importer: mapping %s is not valid JSON: %w", path, err)
	}
	return &mf, nil
}

// Save writes the mapping file as indented JSON.
func (mf *MappingFile) Save(path string) error {
	b, err := json.MarshalIndent(mf, "", "  ")
	if err != nil {
		return fmt.Errorf("importer: mapping: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("importer: save mapping: %w", err)
	}
	return nil
}

// FileOptions returns the file-reading options the mapping file fixes.
func (mf *MappingFile) FileOptions() (FileOptions, error) {
	fo := FileOptions{Encoding: mf.Encoding, Sheet: mf.Sheet}
	switch strings.ToLower(mf.Header) {
	case "", "auto":
	case "yes", "true":
		fo.Header = HeaderYes
	case "no", "false":
		fo.Header = HeaderNo
	default:
		return fo, fmt.Errorf("importer: mapping: header must be yes, no or auto, not %q", mf.Header)
	}
	switch mf.Delimiter {
	case "":
	case ",", ";", "|":
		fo.Delimiter = rune(mf.Delimiter[0])
	case "\t", "tab", `\t`:
		fo.Delimiter = '\t'
	default:
		return fo, fmt.Errorf("importer: mapping: delimiter must be one of , ; | or tab, not %q", mf.Delimiter)
	}
	return fo, nil
}

// Apply overlays the file's columns on base (usually Suggest's result) for
// a file with the given column titles. It refuses unknown fields and columns
// the file does not have, so a typo does not silently drop data.
func (mf *MappingFile) Apply(k model.Kind, columns []string, base Mapping) (Mapping, error) {
	m := append(Mapping(nil), base...)
	for len(m) < len(columns) {
		m = append(m, "")
	}
	for key, field := range mf.Columns {
		if field != "" {
			if _, ok := fieldByName(k, field); !ok {
				return nil, fmt.Errorf("importer: mapping: %q is not a field of %s (column %q)", field, k, key)
			}
		}
		i := columnIndex(columns, key)
		if i < 0 {
			return nil, fmt.Errorf("importer: mapping: the file has no column %q", key)
		}
		m[i] = field
	}
	return m, nil
}

func columnIndex(columns []string, key string) int {
	if n, err := strconv.Atoi(strings.TrimPrefix(key, "#")); err == nil && strings.HasPrefix(key, "#") {
		if n >= 1 && n <= len(columns) {
			return n - 1
		}
		return -1
	}
	for i, c := range columns {
		if c == key {
			return i
		}
	}
	for i, c := range columns {
		if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(key)) {
			return i
		}
	}
	return -1
}
