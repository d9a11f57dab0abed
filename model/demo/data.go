package demo

// Word lists the generator draws from: French and English names, places and
// products, with the accents and ligatures real data has.

var firstNamesFR = []string{"Élodie", "Jérôme", "Amélie", "François", "Hélène", "Benoît", "Cécile", "Stéphane", "Zoé", "Noël",
	"Léa", "Théo", "Chloé", "Loïc", "Maëlle", "Gaël", "Inès", "Clément", "Anaïs", "Aurélien", "Camille", "Julien", "Manon",
	"Nicolas", "Sophie", "Thomas", "Claire", "Mathieu", "Émilie", "Raphaël", "Océane", "Joël", "Agnès", "Rémi", "Solène"}

var firstNamesEN = []string{"Oliver", "Emma", "James", "Charlotte", "William", "Amelia", "Henry", "Sophia", "George", "Isla",
	"Jack", "Grace", "Harry", "Lily", "Thomas", "Mia", "Daniel", "Ella", "Samuel", "Chloe", "Michael", "Hannah", "David", "Sarah"}

var lastNamesFR = []string{"Lefèvre", "Dupont", "Bénard", "Fournier", "Girard", "Bonnet", "Lemaître", "Rousseau", "Mercier",
	"Faure", "André", "Gauthier", "Chevalier", "Perrin", "Lefebvre", "Boyer", "Garnier", "Fontaine", "Caron", "Dumas",
	"Barbier", "Brun", "Roché", "Meunier", "Lacroix", "Noël", "Hébert", "Péron", "Marchand", "Lévêque", "Besnard", "Cœur"}

var lastNamesEN = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
	"Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "O'Brien", "McAllister"}

var titlesFR = []string{"Directrice des achats", "Directeur des achats", "Chef de cuisine", "Gérant", "Gérante", "Responsable logistique",
	"Directeur général", "Acheteuse", "Responsable restauration", "Directeur d'hôtel", "Assistante de direction", "Économe"}

var titlesEN = []string{"Purchasing Manager", "Head Chef", "General Manager", "Operations Director", "Buyer", "Food & Beverage Manager",
	"Facilities Manager", "Owner", "Procurement Lead", "Office Manager"}

type place struct {
	city, postal, country, region string
}

var placesFR = []place{
	{"Besançon", "25000", "FR", "Bourgogne-Franche-Comté"}, {"Lyon", "69002", "FR", "Auvergne-Rhône-Alpes"},
	{"Saint-Étienne", "42000", "FR", "Auvergne-Rhône-Alpes"}, {"Orléans", "45000", "FR", "Centre-Val de Loire"},
	{"Nîmes", "30000", "FR", "Occitanie"}, {"Montréal-la-Cluse", "01460", "FR", "Auvergne-Rhône-Alpes"},
	{"Paris", "75011", "FR", "Île-de-France"}, {"Créteil", "94000", "FR", "Île-de-France"}, {"Nantes", "44000", "FR", "Pays de la Loire"},
	{"Bordeaux", "33000", "FR", "Nouvelle-Aquitaine"}, {"Lille", "59000", "FR", "Hauts-de-France"}, {"Strasbourg", "67000", "FR", "Grand Est"},
	{"Annecy", "74000", "FR", "Auvergne-Rhône-Alpes"}, {"Aix-en-Provence", "13100", "FR", "Provence-Alpes-Côte d'Azur"},
	{"Genève", "1204", "CH", "Suisse romande"}, {"Liège", "4000", "BE", "Wallonie"}, {"Montréal", "H2X 1Y4", "CA", "Québec"},
}

var placesEN = []place{
	{"London", "EC1V 9BP", "GB", "London"}, {"Manchester", "M1 1AE", "GB", "North West"}, {"Bristol", "BS1 4DJ", "GB", "South West"},
	{"Edinburgh", "EH1 1YZ", "GB", "Scotland"}, {"Dublin", "D02 XY45", "IE", "Leinster"}, {"Leeds", "LS1 4AP", "GB", "Yorkshire"},
}

var streetsFR = []string{"rue de la République", "avenue Jean-Jaurès", "boulevard Victor-Hugo", "rue des Églises", "place du Marché",
	"chemin des Prés", "rue Émile-Zola", "quai de Saône", "allée des Tilleuls", "rue Gambetta"}

var streetsEN = []string{"High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Street", "King's Road", "Park Avenue"}

var companyStemsFR = []string{"Brasserie", "Hôtel", "Restaurant", "Traiteur", "Boulangerie", "Fromagerie", "Café", "Auberge",
	"Cuisine centrale", "Collège", "Clinique", "Maison", "Bistrot", "Crêperie", "Pâtisserie"}

var companyTailsFR = []string{"du Parc", "des Halles", "de la Gare", "Saint-Jean", "du Lac", "Beau Séjour", "Les Tilleuls",
	"du Théâtre", "L'Étoile", "Bellevue", "de l'Abbaye", "Côté Jardin", "du Port", "La Forêt", "des Arts"}

var companyStemsEN = []string{"The Crown", "Riverside", "Harbour", "Oakwood", "Kingsway", "Greenfield", "Highgate", "Northgate"}

var companyTailsEN = []string{"Hotel", "Kitchen", "Catering Ltd", "Brasserie", "Canteen Services", "Hospitality Group", "Bistro", "Inn"}

var industries = []string{"Hôtellerie", "Restauration", "Restauration collective", "Boulangerie-pâtisserie", "Traiteur", "Santé", "Éducation"}

var segments = []string{"Grands comptes", "PME", "Indépendants", "Collectivités"}

var tagsPool = []string{"bio", "fidèle", "prioritaire", "export", "salon", "VIP", "relance", "nouveau"}

type productSeed struct {
	category, name, unit string
	priceMinor           int64
	taxBP                int64
}

var productSeeds = []productSeed{
	{"Cuisson", "Four mixte 10 niveaux GN 1/1", "pc", 1249000, 2000},
	{"Cuisson", "Four mixte 6 niveaux GN 1/1", "pc", 879000, 2000},
	{"Cuisson", "Plaque à induction 4 foyers", "pc", 342000, 2000},
	{"Cuisson", "Friteuse électrique 2 × 10 L", "pc", 189000, 2000},
	{"Cuisson", "Salamandre à plafond mobile", "pc", 152500, 2000},
	{"Froid", "Armoire réfrigérée 700 L inox", "pc", 219000, 2000},
	{"Froid", "Cellule de refroidissement 5 niveaux", "pc", 468000, 2000},
	{"Froid", "Saladette réfrigérée 3 portes", "pc", 174900, 2000},
	{"Laverie", "Lave-vaisselle à capot", "pc", 512000, 2000},
	{"Laverie", "Lave-verres frontal", "pc", 168000, 2000},
	{"Préparation", "Robot coupe-légumes", "pc", 132000, 2000},
	{"Préparation", "Batteur mélangeur 20 L", "pc", 298000, 2000},
	{"Préparation", "Trancheuse à jambon Ø 300", "pc", 145900, 2000},
	{"Café", "Machine à espresso 2 groupes", "pc", 489000, 2000},
	{"Café", "Moulin à café à dosage", "pc", 99000, 2000},
	{"Mobilier", "Table inox adossée 1600 mm", "pc", 48900, 2000},
	{"Mobilier", "Étagère murale inox", "pc", 12900, 2000},
	{"Consommables", "Café en grains « Maison » 1 kg", "kg", 2490, 550},
	{"Consommables", "Thé vert bio, boîte de 100", "pc", 1890, 550},
	{"Consommables", "Produit de rinçage 10 L", "pc", 4590, 2000},
	{"Consommables", "Gants nitrile, boîte de 100", "pc", 890, 2000},
	{"Service", "Installation et mise en service", "h", 8500, 2000},
	{"Service", "Contrat de maintenance annuel", "pc", 69000, 2000},
	{"Service", "Formation du personnel (demi-journée)", "pc", 45000, 2000},
	{"Service", "Déplacement technicien", "pc", 9500, 2000},
	{"Arts de la table", "Assiette plate porcelaine Ø 27 cm", "pc", 690, 2000},
	{"Arts de la table", "Verre à vin 35 cl, carton de 24", "pc", 5290, 2000},
	{"Arts de la table", "Couverts inox 18/10, ménagère 48 pièces", "pc", 18900, 2000},
	{"Hygiène", "Distributeur de savon inox", "pc", 3990, 2000},
	{"Hygiène", "Lave-mains à commande fémorale", "pc", 38900, 2000},
	{"Livres", "Guide HACCP illustré", "pc", 3200, 550},
}

var variants = []string{"", " — Pro", " — Compact", " — XL", " — Eco", " — Premium", " — Série 2"}

var activitySummariesFR = []string{
	"Appel avec %s au sujet du devis", "Relance téléphonique de %s", "Rendez-vous sur site avec %s : visite de la cuisine",
	"Envoi de la documentation à %s", "Démonstration du four mixte à %s", "Point sur la livraison avec %s",
	"Négociation des conditions avec %s", "Présentation de la nouvelle gamme à %s", "Échange avec %s sur le contrat de maintenance",
}

var activitySummariesEN = []string{
	"Call with %s about the quote", "Follow-up call with %s", "Site visit with %s: kitchen walkthrough",
	"Sent the brochure to %s", "Combi oven demo for %s", "Delivery check-in with %s", "Negotiated terms with %s",
}

var outcomes = []string{"Intéressé, rappeler dans deux semaines", "Attend l'accord de sa direction", "Devis demandé",
	"Pas de besoin pour le moment", "Commande probable au prochain trimestre", "Interested, wants a revised quote", "No answer, left a message", ""}

var lostReasons = []string{"Prix trop élevé", "Concurrent choisi", "Projet reporté", "Budget annulé", "Délai de livraison trop long"}

var issueTitles = []struct {
	typ, title, dept string
}{
	{"late_delivery", "Livraison en retard : %s", "logistics"},
	{"order_discrepancy", "Écart de quantité sur la commande %s", "logistics"},
	{"order_discrepancy", "Facture ne correspondant pas à la commande %s", "finance"},
	{"question", "Question sur la garantie — %s", "customer_service"},
	{"complaint", "Réclamation : appareil endommagé à la livraison (%s)", "customer_service"},
	{"question", "Demande de documentation marketing pour %s", "marketing"},
}

type showSeed struct {
	name, venue, address, city, country, tz string
	month, day, days                        int
}

var showSeeds = []showSeed{
	{"SIRHA Lyon", "Eurexpo Lyon", "Boulevard de l'Europe, 69680 Chassieu", "Lyon", "FR", "Europe/Paris", 1, 22, 5},
	{"Equip'Hôtel Paris", "Paris Expo Porte de Versailles", "1 place de la Porte de Versailles, 75015 Paris", "Paris", "FR", "Europe/Paris", 11, 2, 5},
	{"HostMilano", "Fiera Milano", "Strada Statale del Sempione 28, 20017 Rho", "Milano", "IT", "Europe/Rome", 10, 17, 5},
	{"Internorga", "Hamburg Messe", "Messeplatz 1, 20357 Hamburg", "Hamburg", "DE", "Europe/Berlin", 3, 13, 5},
	{"The Restaurant Show", "Olympia London", "Hammersmith Road, London W14 8UX", "London", "GB", "Europe/London", 10, 6, 3},
	{"NRA Show", "McCormick Place", "2301 S King Dr, Chicago, IL 60616", "Chicago", "US", "America/Chicago", 5, 16, 4},
}
