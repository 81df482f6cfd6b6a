/* normalize_units_local.c — units after a number in Spanish, French, Italian,
 * Brazilian Portuguese and Hindi ('e' 'f' 'i' 'p' 'h'): the symbol becomes
 * the unit's word in the language, singular or plural as the number asks;
 * the digits stay digits for espeak-ng, which reads them in the language:
 *   e  "5 km" -> "5 kilómetros"   "20°C" -> "20 grados Celsius"   "1 kg" -> "1 kilogramo"
 *   f  "1,5 km" -> "1,5 kilomètre" (French: below 2 is singular)  "3 Go" -> "3 gigaoctets"
 *   i  "100 km/h" -> "100 chilometri all'ora"
 *   p  "2,5 l" -> "2,5 litros"
 *   h  "5 km" -> "5 किलोमीटर"
 * Without it espeak-ng spells most symbols as letters ("5 km" -> "cinco ka
 * eme", "10 cm" -> "diez ce eme") and drops the degree sign. The longest
 * symbol that ends at a word boundary wins ("ms" over "m"); one space may
 * stand between number and symbol. % is left to espeak-ng, which reads it. */
#include <string.h>

#include "text/normalize_internal.h"

enum { L_E, L_F, L_I, L_P, L_H, N_LANG };

typedef struct local_unit {
    const char *sym;
    const char *one[N_LANG], *many[N_LANG];
} local_unit;

/* Hindi takes these loan words unchanged in number (घंटा / घंटे aside). */
static const local_unit units[] = {
    /* temperature and angle (° is U+00B0; º, the ordinal sign, is not a degree) */
    {"\xC2\xB0" "C",
     {"grado Celsius", "degré Celsius", "grado Celsius", "grau Celsius", "डिग्री सेल्सियस"},
     {"grados Celsius", "degrés Celsius", "gradi Celsius", "graus Celsius", "डिग्री सेल्सियस"}},
    {"\xC2\xB0" "F",
     {"grado Fahrenheit", "degré Fahrenheit", "grado Fahrenheit", "grau Fahrenheit", "डिग्री फ़ारेनहाइट"},
     {"grados Fahrenheit", "degrés Fahrenheit", "gradi Fahrenheit", "graus Fahrenheit", "डिग्री फ़ारेनहाइट"}},
    {"\xC2\xB0",
     {"grado", "degré", "grado", "grau", "डिग्री"},
     {"grados", "degrés", "gradi", "graus", "डिग्री"}},
    /* length */
    {"mm",
     {"milímetro", "millimètre", "millimetro", "milímetro", "मिलीमीटर"},
     {"milímetros", "millimètres", "millimetri", "milímetros", "मिलीमीटर"}},
    {"cm",
     {"centímetro", "centimètre", "centimetro", "centímetro", "सेंटीमीटर"},
     {"centímetros", "centimètres", "centimetri", "centímetros", "सेंटीमीटर"}},
    {"m",
     {"metro", "mètre", "metro", "metro", "मीटर"},
     {"metros", "mètres", "metri", "metros", "मीटर"}},
    {"km",
     {"kilómetro", "kilomètre", "chilometro", "quilômetro", "किलोमीटर"},
     {"kilómetros", "kilomètres", "chilometri", "quilômetros", "किलोमीटर"}},
    /* mass */
    {"mg",
     {"miligramo", "milligramme", "milligrammo", "miligrama", "मिलीग्राम"},
     {"miligramos", "milligrammes", "milligrammi", "miligramas", "मिलीग्राम"}},
    {"g",
     {"gramo", "gramme", "grammo", "grama", "ग्राम"},
     {"gramos", "grammes", "grammi", "gramas", "ग्राम"}},
    {"kg",
     {"kilogramo", "kilogramme", "chilogrammo", "quilograma", "किलोग्राम"},
     {"kilogramos", "kilogrammes", "chilogrammi", "quilogramas", "किलोग्राम"}},
    /* volume */
    {"ml",
     {"mililitro", "millilitre", "millilitro", "mililitro", "मिलीलीटर"},
     {"mililitros", "millilitres", "millilitri", "mililitros", "मिलीलीटर"}},
    {"mL",
     {"mililitro", "millilitre", "millilitro", "mililitro", "मिलीलीटर"},
     {"mililitros", "millilitres", "millilitri", "mililitros", "मिलीलीटर"}},
    {"l",
     {"litro", "litre", "litro", "litro", "लीटर"},
     {"litros", "litres", "litri", "litros", "लीटर"}},
    {"L",
     {"litro", "litre", "litro", "litro", "लीटर"},
     {"litros", "litres", "litri", "litros", "लीटर"}},
    /* speed */
    {"km/h",
     {"kilómetro por hora", "kilomètre par heure", "chilometro all'ora", "quilômetro por hora", "किलोमीटर प्रति घंटा"},
     {"kilómetros por hora", "kilomètres par heure", "chilometri all'ora", "quilômetros por hora",
      "किलोमीटर प्रति घंटा"}},
    {"m/s",
     {"metro por segundo", "mètre par seconde", "metro al secondo", "metro por segundo", "मीटर प्रति सेकंड"},
     {"metros por segundo", "mètres par seconde", "metri al secondo", "metros por segundo", "मीटर प्रति सेकंड"}},
    {"mph",
     {"milla por hora", "mile par heure", "miglio all'ora", "milha por hora", "मील प्रति घंटा"},
     {"millas por hora", "miles par heure", "miglia all'ora", "milhas por hora", "मील प्रति घंटा"}},
    /* time */
    {"ms",
     {"milisegundo", "milliseconde", "millisecondo", "milissegundo", "मिलीसेकंड"},
     {"milisegundos", "millisecondes", "millisecondi", "milissegundos", "मिलीसेकंड"}},
    {"s",
     {"segundo", "seconde", "secondo", "segundo", "सेकंड"},
     {"segundos", "secondes", "secondi", "segundos", "सेकंड"}},
    {"min",
     {"minuto", "minute", "minuto", "minuto", "मिनट"},
     {"minutos", "minutes", "minuti", "minutos", "मिनट"}},
    {"h",
     {"hora", "heure", "ora", "hora", "घंटा"},
     {"horas", "heures", "ore", "horas", "घंटे"}},
    /* data (French writes octets: Ko, Mo, Go, To) */
    {"KB",
     {"kilobyte", "kilooctet", "kilobyte", "quilobyte", "किलोबाइट"},
     {"kilobytes", "kilooctets", "kilobyte", "quilobytes", "किलोबाइट"}},
    {"MB",
     {"megabyte", "mégaoctet", "megabyte", "megabyte", "मेगाबाइट"},
     {"megabytes", "mégaoctets", "megabyte", "megabytes", "मेगाबाइट"}},
    {"GB",
     {"gigabyte", "gigaoctet", "gigabyte", "gigabyte", "गीगाबाइट"},
     {"gigabytes", "gigaoctets", "gigabyte", "gigabytes", "गीगाबाइट"}},
    {"TB",
     {"terabyte", "téraoctet", "terabyte", "terabyte", "टेराबाइट"},
     {"terabytes", "téraoctets", "terabyte", "terabytes", "टेराबाइट"}},
    {"Ko",
     {"kilobyte", "kilooctet", "kilobyte", "quilobyte", "किलोबाइट"},
     {"kilobytes", "kilooctets", "kilobyte", "quilobytes", "किलोबाइट"}},
    {"Mo",
     {"megabyte", "mégaoctet", "megabyte", "megabyte", "मेगाबाइट"},
     {"megabytes", "mégaoctets", "megabyte", "megabytes", "मेगाबाइट"}},
    {"Go",
     {"gigabyte", "gigaoctet", "gigabyte", "gigabyte", "गीगाबाइट"},
     {"gigabytes", "gigaoctets", "gigabyte", "gigabytes", "गीगाबाइट"}},
    {"To",
     {"terabyte", "téraoctet", "terabyte", "terabyte", "टेराबाइट"},
     {"terabytes", "téraoctets", "terabyte", "terabytes", "टेराबाइट"}},
    /* frequency */
    {"Hz",
     {"hercio", "hertz", "hertz", "hertz", "हर्ट्ज़"},
     {"hercios", "hertz", "hertz", "hertz", "हर्ट्ज़"}},
    {"kHz",
     {"kilohercio", "kilohertz", "kilohertz", "quilohertz", "किलोहर्ट्ज़"},
     {"kilohercios", "kilohertz", "kilohertz", "quilohertz", "किलोहर्ट्ज़"}},
    {"MHz",
     {"megahercio", "mégahertz", "megahertz", "megahertz", "मेगाहर्ट्ज़"},
     {"megahercios", "mégahertz", "megahertz", "megahertz", "मेगाहर्ट्ज़"}},
    {"GHz",
     {"gigahercio", "gigahertz", "gigahertz", "gigahertz", "गीगाहर्ट्ज़"},
     {"gigahercios", "gigahertz", "gigahertz", "gigahertz", "गीगाहर्ट्ज़"}},
};

static int lang_index(char lang) {
    switch (lang) {
    case 'e': return L_E;
    case 'f': return L_F;
    case 'i': return L_I;
    case 'p': return L_P;
    case 'h': return L_H;
    default: return -1;
    }
}

/* The unit whose symbol starts at k and ends at a word boundary, the longest such; NULL if none. */
static const local_unit *unit_at(const lt_nctx *c, size_t k, size_t *end) {
    const local_unit *best = NULL;
    size_t best_n = 0;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t n = strlen(units[u].sym);
        if (n > best_n && k + n <= c->n && !memcmp(c->s + k, units[u].sym, n) && lt_boundary(c, k + n)) {
            best = &units[u];
            best_n = n;
        }
    }
    *end = k + best_n;
    return best;
}

size_t lt_rule_units_local(lt_nctx *c, size_t i) {
    int l = lang_index(c->lang);
    if (l < 0 || !lt_word_start(c, i) || !lt_isdigit(lt_at(c, i))) return i;
    lt_local_amount a;
    if (!lt_parse_local_amount(c, i, &a)) return i;
    size_t k = a.end, e;
    if (lt_at(c, k) == ' ') k++;
    const local_unit *u = unit_at(c, k, &e);
    if (!u) return i;
    /* singular for exactly 1 (French: any amount below 2, "1,5 kilomètre") */
    int whole_only = !a.decimal && a.minor < 0;
    int singular = whole_only && a.wn == 1 && a.whole[0] == '1';
    if (l == L_F && a.wn == 1 && (a.whole[0] == '0' || a.whole[0] == '1')) {
        const char *sep = c->s + a.start + 1; /* "1", "1,5", "0,25": a single digit before the decimal mark */
        singular = whole_only || *sep == ',' || *sep == '.';
    }
    size_t mark = c->out->len;
    if (whole_only) lt_nb_words(c->out, a.whole, a.wn); /* grouping dropped: "3 500" is one number */
    else lt_nb_words(c->out, c->s + a.start, a.end - a.start);
    lt_nb_word(c->out, singular ? u->one[l] : u->many[l]);
    return lt_nc_done(c, mark, i, e);
}
