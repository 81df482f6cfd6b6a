/* normalize_money_local.c — amounts of money in Spanish, French, Italian,
 * Brazilian Portuguese and Hindi ('e' 'f' 'i' 'p' 'h'): the currency is moved
 * after the number and written as a word of the language, in the number's
 * grammatical number, with the cents as a second amount:
 *   e  "€3,50" / "3,50 €"  -> "3 euros con 50 céntimos"   "$1" -> "1 dólar"
 *   f  "3,50 €"            -> "3 euros 50"                 "0,99 €" -> "99 centimes"
 *   i  "€ 1.000"           -> "1000 euro"                  "$2,05" -> "2 dollari e 5 centesimi"
 *   p  "R$ 10,00"          -> "10 reais"                   "US$ 1" -> "1 dólar"
 *   h  "₹500"              -> "500 रुपये"
 * The digits stay digits: espeak-ng reads them in the language (grouping
 * separators are dropped, so "1.000" cannot be read as a decimal). Symbols
 * ($ £ € ¥ ₹, R$ and the prefixed dollars of normalize_money.c) may stand
 * before or after the number, with or without a space; ISO codes (USD, EUR,
 * GBP, JPY, INR, BRL) as separate words. Other decimals ("2,5 €") keep their
 * text and take the plural: "2,5 euros". Without this rule espeak-ng drops €
 * and ₹ and reads "$5" as "dólar cinco". */
#include <string.h>

#include "text/normalize_internal.h"

enum { USD, GBP, EUR, JPY, INR, BRL, N_CUR };

typedef struct local_words {
    char lang;
    const char *with_minor; /* between the two amounts ("con", "e", or "" for none) */
    int zero_singular;      /* French: 0 and 1 take the singular */
    const char *one[N_CUR], *many[N_CUR], *minor_one[N_CUR], *minor_many[N_CUR];
} local_words;

/* NULL minor words: the currency is not split into cents (read as a decimal) */
static const local_words langs[] = {
    {'e', "con", 0,
     {"dólar", "libra", "euro", "yen", "rupia", "real"},
     {"dólares", "libras", "euros", "yenes", "rupias", "reales"},
     {"centavo", "penique", "céntimo", NULL, "paisa", "centavo"},
     {"centavos", "peniques", "céntimos", NULL, "paisas", "centavos"}},
    {'f', "", 1,
     {"dollar", "livre", "euro", "yen", "roupie", "réal"},
     {"dollars", "livres", "euros", "yens", "roupies", "réaux"},
     {"cent", "penny", "centime", NULL, "paisa", "centavo"},
     {"cents", "pence", "centimes", NULL, "paise", "centavos"}},
    {'i', "e", 0,
     {"dollaro", "sterlina", "euro", "yen", "rupia", "real"},
     {"dollari", "sterline", "euro", "yen", "rupie", "real"},
     {"centesimo", "penny", "centesimo", NULL, "paisa", "centavo"},
     {"centesimi", "pence", "centesimi", NULL, "paise", "centavos"}},
    {'p', "e", 0,
     {"dólar", "libra", "euro", "iene", "rupia", "real"},
     {"dólares", "libras", "euros", "ienes", "rupias", "reais"},
     {"centavo", "pêni", "centavo", NULL, "paisa", "centavo"},
     {"centavos", "pence", "centavos", NULL, "paisas", "centavos"}},
    {'h', "", 0,
     {"डॉलर", "पाउंड", "यूरो", "येन", "रुपया", "रियल"},
     {"डॉलर", "पाउंड", "यूरो", "येन", "रुपये", "रियल"},
     {"सेंट", "पेंस", "सेंट", NULL, "पैसा", "सेंटावो"},
     {"सेंट", "पेंस", "सेंट", NULL, "पैसे", "सेंटावो"}},
};

/* Symbols, longest first where one is the tail of another ("R$" before "$"). */
static const struct { const char *sym; int cur; } symbols[] = {
    {"US$", USD}, {"A$", USD},  {"AU$", USD}, {"C$", USD},          {"CA$", USD},
    {"NZ$", USD}, {"HK$", USD}, {"S$", USD},  {"R$", BRL},          {"$", USD},
    {"\xC2\xA3", GBP},          {"\xE2\x82\xAC", EUR},              {"\xC2\xA5", JPY},
    {"\xE2\x82\xB9", INR},
};
static const struct { const char *code; int cur; } codes[] = {
    {"USD", USD}, {"GBP", GBP}, {"EUR", EUR}, {"JPY", JPY}, {"INR", INR}, {"BRL", BRL},
};

/* A currency at i: a symbol (any position) or an ISO code standing as a word. Returns its end, or i. */
static size_t currency_at(const lt_nctx *c, size_t i, int *cur) {
    for (size_t u = 0; u < sizeof symbols / sizeof symbols[0]; u++) {
        size_t n = strlen(symbols[u].sym);
        if (i + n <= c->n && !memcmp(c->s + i, symbols[u].sym, n)) {
            if (lt_isalpha(symbols[u].sym[0]) && !lt_word_start(c, i)) continue; /* "XUS$" */
            *cur = symbols[u].cur;
            return i + n;
        }
    }
    if (!lt_word_start(c, i)) return i;
    for (size_t u = 0; u < sizeof codes / sizeof codes[0]; u++)
        if (i + 3 <= c->n && !memcmp(c->s + i, codes[u].code, 3) && lt_boundary(c, i + 3)) {
            *cur = codes[u].cur;
            return i + 3;
        }
    return i;
}

/* lt_parse_local_amount (normalize_internal.h): the number grammar money and units share here. */
int lt_parse_local_amount(const lt_nctx *c, size_t i, lt_local_amount *a) {
    memset(a, 0, sizeof *a);
    a->start = i;
    a->minor = -1;
    size_t p = i, first = lt_digit_run(c, p);
    if (!first || first >= sizeof a->whole) return 0;
    memcpy(a->whole, c->s + p, first);
    a->wn = first;
    p += first;
    for (;;) {
        char sep = lt_at(c, p);
        if (sep != '.' && sep != ',' && sep != '\'' && sep != ' ') break;
        size_t r = lt_digit_run(c, p + 1);
        if (!r || (sep == ' ' && r != 3)) break; /* "3." ends a sentence; "3 4" is two numbers */
        if (r == 3 && first <= 3 && a->wn + 3 < sizeof a->whole) { /* thousands ("1 234" too) */
            memcpy(a->whole + a->wn, c->s + p + 1, 3);
            a->wn += 3;
            p += 4;
            continue;
        }
        if (r == 2 && sep != '\'') { /* cents */
            a->minor = (c->s[p + 1] - '0') * 10 + (c->s[p + 2] - '0');
            p += 3;
            break;
        }
        a->decimal = 1; /* the rest of the token as written */
        p += 1 + r;
        while ((lt_at(c, p) == '.' || lt_at(c, p) == ',') && lt_isdigit(lt_at(c, p + 1)))
            p += 1 + lt_digit_run(c, p + 1);
        break;
    }
    a->end = p;
    return !lt_isdigit(lt_at(c, p));
}

static int is_one(const lt_local_amount *a) { return a->wn == 1 && a->whole[0] == '1'; }
static int is_zero(const lt_local_amount *a) {
    for (size_t k = 0; k < a->wn; k++)
        if (a->whole[k] != '0') return 0;
    return 1;
}

size_t lt_rule_money_local(lt_nctx *c, size_t i) {
    const local_words *w = NULL;
    for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++)
        if (langs[l].lang == c->lang) w = &langs[l];
    if (!w || !lt_word_start(c, i)) return i;
    int cur = -1;
    size_t k = currency_at(c, i, &cur), e;
    lt_local_amount a;
    if (k > i) { /* "€3", "€ 3", "EUR 3" */
        if (lt_at(c, k) == ' ') k++;
        if (!lt_isdigit(lt_at(c, k)) || !lt_parse_local_amount(c, k, &a)) return i;
        e = a.end;
        if (!lt_boundary(c, e)) return i;
    } else { /* "3€", "3 €", "3 EUR" */
        if (!lt_isdigit(lt_at(c, i)) || !lt_parse_local_amount(c, i, &a)) return i;
        k = a.end;
        if (lt_at(c, k) == ' ') k++;
        e = currency_at(c, k, &cur);
        if (e == k || !lt_boundary(c, e)) return i;
    }
    size_t mark = c->out->len;
    const char *minor_one = w->minor_one[cur], *minor_many = w->minor_many[cur];
    if (a.decimal || (a.minor >= 0 && !minor_one)) { /* the number as written, then the plural */
        lt_nb_words(c->out, c->s + a.start, a.end - a.start);
        lt_nb_word(c->out, w->many[cur]);
        return lt_nc_done(c, mark, i, e);
    }
    int say_whole = !is_zero(&a) || a.minor <= 0;
    if (say_whole) {
        lt_nb_words(c->out, a.whole, a.wn);
        int singular = is_one(&a) || (w->zero_singular && is_zero(&a));
        lt_nb_word(c->out, singular ? w->one[cur] : w->many[cur]);
    }
    if (a.minor > 0) {
        char d[3];
        size_t dn = 0;
        if (a.minor >= 10) d[dn++] = (char)('0' + a.minor / 10);
        d[dn++] = (char)('0' + a.minor % 10);
        if (say_whole && w->with_minor[0]) lt_nb_word(c->out, w->with_minor);
        lt_nb_words(c->out, d, dn);
        /* French says "3 euros 50" after a whole amount, "50 centimes" alone */
        if (!say_whole || w->with_minor[0] || w->lang == 'h')
            lt_nb_word(c->out, a.minor == 1 ? minor_one : minor_many);
    }
    return lt_nc_done(c, mark, i, e);
}
