/* normalize_units.c — units after a number: "5 km" -> "five kilometers",
 * "1 km" -> "one kilometer", "60 mph", "20°C" -> "twenty degrees Celsius",
 * "3 GB", "10 ms", "2.4 GHz", "a 5-km run" -> "a five-kilometer run". One
 * table: abbreviation, singular, plural, flags. UK English spells metre and
 * litre. The longest abbreviation that ends at a word boundary wins. */
#include <string.h>

#include "text/normalize_internal.h"

enum { U_ATTACHED = 1, /* only written without a space: 5in */
       U_CI = 2,       /* case-insensitive */
       U_TEMP = 4 };

typedef struct unit {
    const char *abbr, *one, *many;
    int flags;
} unit;

static const unit units[] = {
    /* length */
    {"mm", "millimeter", "millimeters", U_CI},
    {"cm", "centimeter", "centimeters", U_CI},
    {"m", "meter", "meters", 0},
    {"km", "kilometer", "kilometers", U_CI},
    {"\xC2\xB5m", "micrometer", "micrometers", 0},
    {"nm", "nanometer", "nanometers", 0},
    {"in", "inch", "inches", U_ATTACHED},
    {"ft", "foot", "feet", 0},
    {"yd", "yard", "yards", 0},
    {"mi", "mile", "miles", 0},
    /* area */
    {"m\xC2\xB2", "square meter", "square meters", 0},
    {"km\xC2\xB2", "square kilometer", "square kilometers", 0},
    {"cm\xC2\xB2", "square centimeter", "square centimeters", 0},
    {"ft\xC2\xB2", "square foot", "square feet", 0},
    {"sq ft", "square foot", "square feet", 0},
    {"sq mi", "square mile", "square miles", 0},
    /* mass */
    {"mg", "milligram", "milligrams", 0},
    {"g", "gram", "grams", 0},
    {"kg", "kilogram", "kilograms", U_CI},
    {"lb", "pound", "pounds", U_CI},
    {"lbs", "pound", "pounds", U_CI},
    {"oz", "ounce", "ounces", U_CI},
    /* volume */
    {"ml", "milliliter", "milliliters", 0},
    {"mL", "milliliter", "milliliters", 0},
    {"cl", "centiliter", "centiliters", 0},
    {"l", "liter", "liters", 0},
    {"L", "liter", "liters", 0},
    {"gal", "gallon", "gallons", 0},
    {"tsp", "teaspoon", "teaspoons", 0},
    {"tbsp", "tablespoon", "tablespoons", 0},
    /* speed */
    {"mph", "mile per hour", "miles per hour", U_CI},
    {"kph", "kilometer per hour", "kilometers per hour", U_CI},
    {"km/h", "kilometer per hour", "kilometers per hour", U_CI},
    {"m/s", "meter per second", "meters per second", 0},
    /* temperature and angle */
    {"\xC2\xB0" "C", "degree Celsius", "degrees Celsius", U_TEMP},
    {"\xC2\xB0" "F", "degree Fahrenheit", "degrees Fahrenheit", U_TEMP},
    {"\xE2\x84\x83", "degree Celsius", "degrees Celsius", U_TEMP},
    {"\xE2\x84\x89", "degree Fahrenheit", "degrees Fahrenheit", U_TEMP},
    {"\xC2\xB0", "degree", "degrees", U_TEMP},
    /* data */
    {"KB", "kilobyte", "kilobytes", 0},
    {"kB", "kilobyte", "kilobytes", 0},
    {"MB", "megabyte", "megabytes", 0},
    {"GB", "gigabyte", "gigabytes", 0},
    {"TB", "terabyte", "terabytes", 0},
    {"PB", "petabyte", "petabytes", 0},
    {"KiB", "kibibyte", "kibibytes", 0},
    {"MiB", "mebibyte", "mebibytes", 0},
    {"GiB", "gibibyte", "gibibytes", 0},
    {"TiB", "tebibyte", "tebibytes", 0},
    {"Kb", "kilobit", "kilobits", 0},
    {"Mb", "megabit", "megabits", 0},
    {"Gb", "gigabit", "gigabits", 0},
    {"kbps", "kilobit per second", "kilobits per second", 0},
    {"Mbps", "megabit per second", "megabits per second", 0},
    {"Gbps", "gigabit per second", "gigabits per second", 0},
    {"MB/s", "megabyte per second", "megabytes per second", 0},
    {"GB/s", "gigabyte per second", "gigabytes per second", 0},
    /* time */
    {"ns", "nanosecond", "nanoseconds", 0},
    {"\xC2\xB5s", "microsecond", "microseconds", 0},
    {"ms", "millisecond", "milliseconds", 0},
    {"sec", "second", "seconds", 0},
    {"secs", "second", "seconds", 0},
    {"min", "minute", "minutes", 0},
    {"mins", "minute", "minutes", 0},
    {"h", "hour", "hours", 0},
    {"hr", "hour", "hours", 0},
    {"hrs", "hour", "hours", 0},
    /* frequency, electricity, energy */
    {"Hz", "hertz", "hertz", 0},
    {"kHz", "kilohertz", "kilohertz", 0},
    {"MHz", "megahertz", "megahertz", 0},
    {"GHz", "gigahertz", "gigahertz", 0},
    {"W", "watt", "watts", 0},
    {"kW", "kilowatt", "kilowatts", 0},
    {"MW", "megawatt", "megawatts", 0},
    {"GW", "gigawatt", "gigawatts", 0},
    {"Wh", "watt hour", "watt hours", 0},
    {"kWh", "kilowatt hour", "kilowatt hours", 0},
    {"MWh", "megawatt hour", "megawatt hours", 0},
    {"V", "volt", "volts", 0},
    {"kV", "kilovolt", "kilovolts", 0},
    {"mV", "millivolt", "millivolts", 0},
    {"mA", "milliamp", "milliamps", 0},
    {"mAh", "milliamp hour", "milliamp hours", 0},
    {"kcal", "kilocalorie", "kilocalories", 0},
    {"cal", "calorie", "calories", 0},
    /* other */
    {"dB", "decibel", "decibels", 0},
    {"px", "pixel", "pixels", 0},
    {"fps", "frame per second", "frames per second", 0},
    {"rpm", "revolution per minute", "revolutions per minute", 0},
    {"bpm", "beat per minute", "beats per minute", 0},
    {"ppm", "part per million", "parts per million", 0},
    {"\xC2\xA2", "cent", "cents", 0},
    {"\xE2\x82\xAC", "euro", "euros", 0},
};

static size_t match_at(const lt_nctx *c, size_t k, const unit *u) {
    size_t n = strlen(u->abbr);
    if (k + n > c->n) return 0;
    for (size_t m = 0; m < n; m++) {
        char a = c->s[k + m], b = u->abbr[m];
        if (a != b && !((u->flags & U_CI) && lt_tolower(a) == lt_tolower(b))) return 0;
    }
    if (!lt_boundary(c, k + n)) return 0;
    /* "5 m/z" or "5 m." inside a dotted abbreviation: no */
    if (lt_at(c, k + n) == '/' && lt_isalpha(lt_at(c, k + n + 1))) return 0;
    return n;
}

size_t lt_unit_after(const lt_nctx *c, size_t j, int singular, const char **words, int *is_temp) {
    size_t k = j;
    if (lt_at(c, k) == ' ') {
        k++;
    } else if (lt_at(c, k) == '-' && lt_isalpha(lt_at(c, k + 1))) {
        k++;
        singular = 1; /* "a 5-km run" */
    }
    const unit *best = NULL;
    size_t best_n = 0;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        if ((units[u].flags & U_ATTACHED) && k != j) continue;
        size_t n = match_at(c, k, &units[u]);
        if (n > best_n) {
            best = &units[u];
            best_n = n;
        }
    }
    if (!best) return j;
    *words = singular ? best->one : best->many;
    *is_temp = (best->flags & U_TEMP) != 0;
    return k + best_n;
}

void lt_say_unit(lt_nctx *c, const char *words) {
    size_t mark = c->out->len;
    lt_nb_word(c->out, words);
    if (!c->uk || c->out->oom) return;
    /* metre, litre */
    for (size_t k = mark; k + 5 <= c->out->len; k++) {
        char *p = c->out->s + k;
        if ((!strncmp(p, "meter", 5) || !strncmp(p, "liter", 5))) {
            p[3] = 'r';
            p[4] = 'e';
        }
    }
}
