/// ISCED-F 2013 as data: every broad, narrow and detailed field with its English and French
/// names (`docs/architecture.md`, "Fields of study").
///
/// English names: checked name by name, all 11 broad, 29 narrow and 80 detailed fields, against
/// UNESCO-UIS, "ISCED Fields of Education and Training 2013 (ISCED-F 2013)", Appendix 1, and the
/// Appendix "ISCED-F 2013: List of possible codes" of UNESCO-UIS, "ISCED-F 2013 - Detailed field
/// descriptions" (2015); every name matched. The spelling "specialization" (0113, 0114) is the
/// Appendix's own.
///
/// French names: meant to follow UNESCO-UIS, « Domaines d'études et de formation de la CITE 2013
/// (CITE-F) » (document 2695), but NOT yet checked against it: the copies of that document that
/// could be consulted held only its opening pages, not the list of fields. Until they are checked,
/// treat the French names (broad, narrow and detailed) as unverified wording, not as the official
/// text. The inter-disciplinary (x88) and "not elsewhere classified" (x99) codes are left out: no
/// one writes them as a field.
public enum ISCEDTaxonomy {
    /// Every field, in code order.
    public static let fields: [ISCEDField] = [
        ISCEDField("00", "Generic programmes and qualifications", "Programmes et certifications génériques"),
        ISCEDField("001", "Basic programmes and qualifications", "Programmes et certifications de base"),
        ISCEDField("0011", "Basic programmes and qualifications", "Programmes et certifications de base"),
        ISCEDField("002", "Literacy and numeracy", "Alphabétisation et apprentissage des notions de calcul"),
        ISCEDField("0021", "Literacy and numeracy", "Alphabétisation et apprentissage des notions de calcul"),
        ISCEDField("003", "Personal skills and development", "Compétences personnelles et développement"),
        ISCEDField("0031", "Personal skills and development", "Compétences personnelles et développement"),

        ISCEDField("01", "Education", "Éducation"),
        ISCEDField("011", "Education", "Éducation"),
        ISCEDField("0111", "Education science", "Sciences de l'éducation"),
        ISCEDField("0112", "Training for pre-school teachers", "Formation des enseignants du préscolaire"),
        ISCEDField("0113", "Teacher training without subject specialization", "Formation des enseignants sans spécialisation disciplinaire"),
        ISCEDField("0114", "Teacher training with subject specialization", "Formation des enseignants avec spécialisation disciplinaire"),

        ISCEDField("02", "Arts and humanities", "Lettres et arts"),
        ISCEDField("021", "Arts", "Arts"),
        ISCEDField("0211", "Audio-visual techniques and media production", "Techniques audiovisuelles et production média"),
        ISCEDField("0212", "Fashion, interior and industrial design", "Design de mode, d'intérieur et industriel"),
        ISCEDField("0213", "Fine arts", "Beaux-arts"),
        ISCEDField("0214", "Handicrafts", "Artisanat"),
        ISCEDField("0215", "Music and performing arts", "Musique et arts du spectacle"),
        ISCEDField("022", "Humanities (except languages)", "Lettres (sauf langues)"),
        ISCEDField("0221", "Religion and theology", "Religion et théologie"),
        ISCEDField("0222", "History and archaeology", "Histoire et archéologie"),
        ISCEDField("0223", "Philosophy and ethics", "Philosophie et éthique"),
        ISCEDField("023", "Languages", "Langues"),
        ISCEDField("0231", "Language acquisition", "Acquisition de langues"),
        ISCEDField("0232", "Literature and linguistics", "Littérature et linguistique"),

        ISCEDField("03", "Social sciences, journalism and information", "Sciences sociales, journalisme et information"),
        ISCEDField("031", "Social and behavioural sciences", "Sciences sociales et comportementales"),
        ISCEDField("0311", "Economics", "Économie"),
        ISCEDField("0312", "Political sciences and civics", "Sciences politiques et éducation civique"),
        ISCEDField("0313", "Psychology", "Psychologie"),
        ISCEDField("0314", "Sociology and cultural studies", "Sociologie et études culturelles"),
        ISCEDField("032", "Journalism and information", "Journalisme et information"),
        ISCEDField("0321", "Journalism and reporting", "Journalisme et reportage"),
        ISCEDField("0322", "Library, information and archival studies", "Bibliothéconomie, information et archivistique"),

        ISCEDField("04", "Business, administration and law", "Commerce, administration et droit"),
        ISCEDField("041", "Business and administration", "Commerce et administration"),
        ISCEDField("0411", "Accounting and taxation", "Comptabilité et fiscalité"),
        ISCEDField("0412", "Finance, banking and insurance", "Finance, banque et assurance"),
        ISCEDField("0413", "Management and administration", "Gestion et administration"),
        ISCEDField("0414", "Marketing and advertising", "Marketing et publicité"),
        ISCEDField("0415", "Secretarial and office work", "Secrétariat et travail de bureau"),
        ISCEDField("0416", "Wholesale and retail sales", "Vente en gros et au détail"),
        ISCEDField("0417", "Work skills", "Compétences professionnelles"),
        ISCEDField("042", "Law", "Droit"),
        ISCEDField("0421", "Law", "Droit"),

        ISCEDField("05", "Natural sciences, mathematics and statistics", "Sciences naturelles, mathématiques et statistiques"),
        ISCEDField("051", "Biological and related sciences", "Sciences biologiques et apparentées"),
        ISCEDField("0511", "Biology", "Biologie"),
        ISCEDField("0512", "Biochemistry", "Biochimie"),
        ISCEDField("052", "Environment", "Environnement"),
        ISCEDField("0521", "Environmental sciences", "Sciences de l'environnement"),
        ISCEDField("0522", "Natural environments and wildlife", "Milieux naturels et vie sauvage"),
        ISCEDField("053", "Physical sciences", "Sciences physiques"),
        ISCEDField("0531", "Chemistry", "Chimie"),
        ISCEDField("0532", "Earth sciences", "Sciences de la terre"),
        ISCEDField("0533", "Physics", "Physique"),
        ISCEDField("054", "Mathematics and statistics", "Mathématiques et statistiques"),
        ISCEDField("0541", "Mathematics", "Mathématiques"),
        ISCEDField("0542", "Statistics", "Statistiques"),

        ISCEDField("06", "Information and Communication Technologies (ICTs)", "Technologies de l'information et de la communication (TIC)"),
        ISCEDField("061", "Information and Communication Technologies (ICTs)", "Technologies de l'information et de la communication (TIC)"),
        ISCEDField("0611", "Computer use", "Utilisation des ordinateurs"),
        ISCEDField("0612", "Database and network design and administration", "Conception et administration de réseaux et de bases de données"),
        ISCEDField("0613", "Software and applications development and analysis", "Développement et analyse de logiciels et d'applications"),

        ISCEDField("07", "Engineering, manufacturing and construction", "Ingénierie, industries de transformation et construction"),
        ISCEDField("071", "Engineering and engineering trades", "Ingénierie et techniques apparentées"),
        ISCEDField("0711", "Chemical engineering and processes", "Chimie et génie des procédés"),
        ISCEDField("0712", "Environmental protection technology", "Technologie de protection de l'environnement"),
        ISCEDField("0713", "Electricity and energy", "Électricité et énergie"),
        ISCEDField("0714", "Electronics and automation", "Électronique et automatisation"),
        ISCEDField("0715", "Mechanics and metal trades", "Mécanique et travail du métal"),
        ISCEDField("0716", "Motor vehicles, ships and aircraft", "Véhicules à moteur, navires et aéronefs"),
        ISCEDField("072", "Manufacturing and processing", "Industries de transformation et de traitement"),
        ISCEDField("0721", "Food processing", "Industrie alimentaire"),
        ISCEDField("0722", "Materials (glass, paper, plastic and wood)", "Matériaux (verre, papier, plastique et bois)"),
        ISCEDField("0723", "Textiles (clothes, footwear and leather)", "Textiles (vêtements, chaussures et cuir)"),
        ISCEDField("0724", "Mining and extraction", "Industries extractives"),
        ISCEDField("073", "Architecture and construction", "Architecture et bâtiment"),
        ISCEDField("0731", "Architecture and town planning", "Architecture et urbanisme"),
        ISCEDField("0732", "Building and civil engineering", "Bâtiment et génie civil"),

        ISCEDField("08", "Agriculture, forestry, fisheries and veterinary", "Agriculture, sylviculture, halieutique et sciences vétérinaires"),
        ISCEDField("081", "Agriculture", "Agriculture"),
        ISCEDField("0811", "Crop and livestock production", "Production agricole et élevage"),
        ISCEDField("0812", "Horticulture", "Horticulture"),
        ISCEDField("082", "Forestry", "Sylviculture"),
        ISCEDField("0821", "Forestry", "Sylviculture"),
        ISCEDField("083", "Fisheries", "Halieutique"),
        ISCEDField("0831", "Fisheries", "Halieutique"),
        ISCEDField("084", "Veterinary", "Sciences vétérinaires"),
        ISCEDField("0841", "Veterinary", "Sciences vétérinaires"),

        ISCEDField("09", "Health and welfare", "Santé et protection sociale"),
        ISCEDField("091", "Health", "Santé"),
        ISCEDField("0911", "Dental studies", "Études dentaires"),
        ISCEDField("0912", "Medicine", "Médecine"),
        ISCEDField("0913", "Nursing and midwifery", "Soins infirmiers et obstétrique"),
        ISCEDField("0914", "Medical diagnostic and treatment technology", "Technologies de diagnostic et de traitement médical"),
        ISCEDField("0915", "Therapy and rehabilitation", "Thérapie et réadaptation"),
        ISCEDField("0916", "Pharmacy", "Pharmacie"),
        ISCEDField("0917", "Traditional and complementary medicine and therapy", "Médecine et thérapie traditionnelles et complémentaires"),
        ISCEDField("092", "Welfare", "Protection sociale"),
        ISCEDField("0921", "Care of the elderly and of disabled adults", "Soins aux personnes âgées et aux adultes handicapés"),
        ISCEDField("0922", "Child care and youth services", "Services à l'enfance et à la jeunesse"),
        ISCEDField("0923", "Social work and counselling", "Travail social et orientation"),

        ISCEDField("10", "Services", "Services"),
        ISCEDField("101", "Personal services", "Services aux particuliers"),
        ISCEDField("1011", "Domestic services", "Services domestiques"),
        ISCEDField("1012", "Hair and beauty services", "Coiffure et soins de beauté"),
        ISCEDField("1013", "Hotel, restaurants and catering", "Hôtellerie, restauration et services de traiteur"),
        ISCEDField("1014", "Sports", "Sports"),
        ISCEDField("1015", "Travel, tourism and leisure", "Voyages, tourisme et loisirs"),
        ISCEDField("102", "Hygiene and occupational health services", "Services d'hygiène et de santé au travail"),
        ISCEDField("1021", "Community sanitation", "Assainissement collectif"),
        ISCEDField("1022", "Occupational health and safety", "Santé et sécurité au travail"),
        ISCEDField("103", "Security services", "Services de sécurité"),
        ISCEDField("1031", "Military and defence", "Défense militaire"),
        ISCEDField("1032", "Protection of persons and property", "Protection des personnes et des biens"),
        ISCEDField("104", "Transport services", "Services de transport"),
        ISCEDField("1041", "Transport services", "Services de transport"),
    ]

    /// The field of `code`, `nil` for a code ISCED-F does not define.
    public static func field(_ code: String) -> ISCEDField? { byCode[code] }

    private static let byCode: [String: ISCEDField] = Dictionary(uniqueKeysWithValues: fields.map { ($0.code, $0) })
}
