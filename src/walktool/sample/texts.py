"""The (fictitious) people of the sample and what they write: names, profiles, comments, spellings."""

from __future__ import annotations

NAMES_2023 = (
    "Sophie Tremblay", "Marie-Ève Gagnon", "Nathalie Roy", "Isabelle Côté", "Amélie Bouchard",
    "Julie Gauthier", "Catherine Morin", "Mélanie Lavoie", "Geneviève Fortin", "Valérie Gagné",
    "Chantal Ouellet", "Karine Pelletier", "Émilie Bélanger", "Audrey Lévesque", "Stéphanie Bergeron",
    "Josée Leblanc", "Annie Paquette", "Caroline Girard", "Véronique Simard", "Marie-Claude Boucher",
    "Fatima Benali", "Nadia Haddad", "Aïcha Diallo", "Mei Lin Chen", "Priya Raman", "Sarah Cohen",
    "Emily Wilson", "Jessica O'Brien", "Laura MacDonald", "Daniela Rodríguez", "Ana Paula Silva",
    "Linh Tran", "Rosalie Dubé", "Léa Poirier", "Zoé Mercier", "Jean-François Caron",
    "Marc-André Cloutier", "Mohamed Saïdi", "Kevin Nguyen", "Thomas Landry",
)
NAMES_2024 = (
    "Océane Lapointe", "Camille Desjardins", "Yasmine Belkacem", "Hannah Goldberg", "Noémie Thibault",
    "Grace Okafor", "Manon Villeneuve", "Sofia Petrovic", "Gabrielle St-Pierre", "Olivier Beaulieu",
)
PROFILES = {
    "gender": ("woman", "woman", "woman", "man", "non_binary"),
    "age_group": ("18-24", "25-34", "35-44", "45-54", "55-64", "65+"),
    "reduced_mobility": ("no", "no", "no", "no", "yes"),
    "familiarity": ("daily", "weekly", "monthly", "rarely"),
}

# Comments for a problem with an item, French then English.
COMMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "light": (
        ("Éclairage très faible au bout du quai.", "Plusieurs néons éteints près de l'escalier.",
         "Coin sombre derrière la colonne, on ne voit pas qui est là.", "Il fait noir ici, ça ne donne pas envie d'attendre.",
         "L'édicule est mal éclairé le soir, même la porte est dans l'ombre.", "Vraiment trop sombre ici le soir.",
         "Des luminaires grillés, personne ne les a remplacés."),
        ("Very dim at the far end of the platform.", "Several lights out near the stairs.",
         "Dark corner behind the pillar, you can't see who is there.", "Far too dark here at night."),
    ),
    "staff": (
        ("Aucun employé en vue, la loge est à l'autre bout.", "Trop loin du changeur : personne ne nous entendrait.",
         "On ne croise jamais de constable à cette heure-là."),
        ("No staff anywhere, the booth is far away.", "Nobody would hear you down here."),
    ),
    "emergency_phone": (
        ("Téléphone d'urgence hors service, aucune tonalité.", "Interphone d'urgence brisé, signalé à la loge.",
         "Pas d'interphone dans tout le couloir."),
        ("Emergency phone not working — no dial tone.", "No emergency intercom along the whole corridor."),
    ),
    "offensive_graffiti": (
        ("Graffitis sexistes sur le mur de l'escalier.", "Tag haineux près de l'entrée, à effacer rapidement.",
         "Graffitis haineux sur le mur, ça fait peur."),
        ("Offensive graffiti by the entrance doors.",),
    ),
    "odour_or_water": (
        ("Forte odeur d'urine dans l'escalier.", "Infiltration d'eau au plafond, flaques au sol.", "Odeur d'urine persistante."),
        ("Strong smell of urine in the stairwell.", "Water dripping from the ceiling, slippery floor."),
    ),
    "broken_equipment": (
        ("Escalier mécanique arrêté depuis des semaines.", "Porte de l'édicule qui ne ferme plus.",
         "Ascenseur hors service, aucune solution de rechange pour les fauteuils roulants.", "Équipement brisé, signalé plusieurs fois."),
        ("Escalator out of service again.", "Elevator out of order, no alternative for wheelchair users."),
    ),
    "crowd": (
        ("Couloir bondé à l'heure de pointe, on se fait bousculer.", "Impossible de voir le bout du couloir à cause de la foule.",
         "Attouchements possibles dans la cohue, plusieurs participantes l'ont mentionné.", "Pilier qui bloque la vue, on ne voit pas ce qui arrive."),
        ("Packed corridor, people pushing — hard to see ahead.", "Crowd so dense you can't see where you're going."),
    ),
    "trap": (
        ("Long couloir sans autre issue, on se sent coincée.", "Recoin sous l'escalier où quelqu'un pourrait se cacher.",
         "Cul-de-sac au bout du couloir, aucune sortie.", "Endroit isolé avec une seule issue.",
         "Plein de recoins où quelqu'un pourrait attendre sans être vu."),
        ("Long tunnel with only one way out.", "Alcove under the stairs where someone could hide.",
         "Only one way out of here.", "Lots of nooks where someone could wait unseen."),
    ),
    "empty": (
        ("Station déserte après 21 h.", "Personne sur le quai, ambiance lugubre.", "Tous les commerces sont fermés, le couloir est mort.",
         "Personne aux alentours, on se sent seule."),
        ("Completely empty after 9 pm.", "All shops closed, the corridor feels dead.", "Nobody around, you feel alone."),
    ),
    "signage": (
        ("On ne trouve pas la sortie vers la rue.", "Panneaux trop petits et mal placés.", "Aucune indication vers l'interphone."),
        ("Couldn't find the exit signs.", "No sign pointing to the help point."),
    ),
    "info": (
        ("Aucune affiche sur comment signaler du harcèlement.", "Le numéro pour texter la sécurité n'est affiché nulle part."),
        ("Nothing posted on how to report harassment.",),
    ),
    "dirty": (
        ("Déchets partout sur le quai.", "Très sale, seringues près de l'édicule.", "Sale et négligé, ça donne une impression d'abandon."),
        ("Litter everywhere on the platform.", "Dirty and neglected, feels abandoned."),
    ),
    "cctv": (
        ("Pas de caméra visible dans ce corridor.", "Aucune caméra en vue ici."),
        ("No cameras covering this corridor.", "No camera in sight here."),
    ),
    "outreach": (
        ("Aucun intervenant de milieu en vue, alors que des personnes en détresse sont présentes.",),
        ("No outreach workers around, though some people clearly need help.",),
    ),
    "seating": (
        ("Aucun banc, impossible de s'asseoir en attendant.", "Bancs brisés ou enlevés."),
        ("Nowhere to sit while waiting.",),
    ),
}
COMMENT_TOPIC = {
    "light_level": "light", "dark_corners": "light", "lights_out": "light", "staff_distance_m": "staff",
    "staff_visible": "staff", "emergency_phone": "emergency_phone", "offensive_graffiti": "offensive_graffiti",
    "odour_or_water": "odour_or_water", "broken_equipment": "broken_equipment", "sightline_clear": "crowd",
    "hiding_spots": "trap", "entrapment_spot": "trap", "escape_routes": "trap", "people_present": "empty",
    "women_children_present": "empty", "shops_open": "empty", "sign_exits": "signage", "sign_help_point": "signage",
    "sign_readable": "signage", "sign_station_map": "signage", "help_info_posted": "info", "reporting_info": "info",
    "cleanliness": "dirty", "cctv_visible": "cctv", "outreach_presence": "outreach", "seating": "seating",
}
POSITIVE = (
    ("Bien éclairé et animé, je me sens en sécurité.", "Présence rassurante des constables.", "Rien à signaler.",
     "Beaucoup de monde, personnel à la loge, ça va."),
    ("Bright and busy, felt fine.", "Nice to see staff at the booth.", "Nothing to report."),
)
FIXED_COMMENTS = (
    ("Nouvel éclairage DEL, c'est beaucoup mieux qu'en 2023.", "Le téléphone d'urgence a été réparé, il fonctionne.",
     "Les ambassadeurs de sûreté font une vraie différence.", "Les graffitis ont été effacés."),
    ("New LED lights make a big difference since last year.", "The emergency phone works now.",
     "Good to see the safety ambassadors this time."),
)
SUGGESTIONS = (
    ("Ajouter de l'éclairage au bout du quai.", "Plus de présence du personnel le soir.",
     "Installer un miroir convexe dans le coin.", "Afficher le numéro pour signaler le harcèlement par texto.",
     "Réparer l'escalier mécanique plus rapidement.", "Fermer le recoin sous l'escalier."),
    ("More staff at night, please.", "Put a mirror at the blind corner.",
     "Move the emergency phone closer to the stairs.", "Post how to report harassment."),
)
# Deliberately hostile comments, for the escaping tests of the map and the report.
HOSTILE_COMMENTS = (
    "Test du formulaire <script>alert(1)</script> (ajouté par un participant)",
    '=HYPERLINK("http://exemple.invalid/photo-corridor","voir la photo")',
)

FR_SEVERITY = {"low": "faible", "medium": "moyenne", "high": "élevée", "critical": "critique"}
FR_ZONE = {
    "entrance": ("édicule", "entrée", "accès", "sortie"), "hall": ("mezzanine", "hall", "loge", "tourniquets"),
    "corridor": ("couloir", "corridor", "tunnel"), "stairs": ("escalier", "escaliers mécaniques", "escaliers"),
    "platform": ("quai", "quais", "bord de quai"), "transfer": ("correspondance", "couloir de correspondance"),
    "bus_loop": ("terminus", "boucle d'autobus", "arrêt d'autobus"),
}
# How a facilitator spells station names in her own table: mostly recognisable, now and then a guess.
SLOPPY = {
    "Berri-UQAM": ("berri uqam", "BERRI-UQAM", "Berri"), "Lionel-Groulx": ("Lionel Groulx", "lionel-groulx", "Lionel-Groulx (orange)"),
    "Jolicoeur": ("Jolicoeur", "jolicoeur", "Jolicœur"), "Monk": ("Monk", "Métro Monk"),
    "Bonaventure": ("bonaventure", "BONAVENTURE", "Bonnaventure"), "Atwater": ("atwater", "Atwater ", "Atwatter"),
    "Papineau": ("papineau", "Papineau (ligne verte)"), "Beaudry": ("beaudry", "Beaudry / Village"),
}


# Words that place a comment in a zone (a comment must name no other zone than its own).
ZONE_WORDS: dict[str, tuple[str, ...]] = {
    "platform": ("quai", "platform"),
    "stairs": ("escalier", "stair", "escalator"),
    "corridor": ("couloir", "corridor", "tunnel"),
    "entrance": ("édicule", "entrée", "entrance", "porte", "door"),
    "hall": ("tourniquet", "mezzanine"),
    "bus_loop": ("terminus", "autobus", "bus"),
    "transfer": ("correspondance", "transfer"),
}
