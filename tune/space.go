package tune

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

type kind int

const (
	floatKind kind = iota
	intKind
	choiceKind
)

func (k kind) String() string { return [...]string{"float", "int", "choice"}[k] }

// Param is one dimension of a search space: a float or integer range, or a list of choices.
// Build it with Float, Int or Choice.
type Param struct {
	Name    string
	kind    kind
	Lo, Hi  float64 // range of a Float or Int, inclusive
	Log     bool    // sample the range on a log scale (Lo > 0)
	Choices []any   // values of a Choice: strings, bools, ints or float64s
}

// Option modifies a Float or Int parameter.
type Option func(*Param)

// Log samples a Float or Int on a log scale, as Optuna's log=True: every decade of the range
// is equally likely. The range must be positive.
func Log() Option { return func(p *Param) { p.Log = true } }

// Float is a real parameter in [lo, hi].
func Float(name string, lo, hi float64, opts ...Option) Param {
	p := Param{Name: name, kind: floatKind, Lo: lo, Hi: hi}
	for _, o := range opts {
		o(&p)
	}
	return p
}

// Int is an integer parameter in [lo, hi].
func Int(name string, lo, hi int, opts ...Option) Param {
	p := Param{Name: name, kind: intKind, Lo: float64(lo), Hi: float64(hi)}
	for _, o := range opts {
		o(&p)
	}
	return p
}

// Choice is a categorical parameter: one of values (strings, bools, ints or float64s).
func Choice(name string, values ...any) Param {
	return Param{Name: name, kind: choiceKind, Choices: values}
}

// String describes p in ParseSpace's syntax: "lo:hi", "lo:hi:log" or "a,b,c".
func (p Param) String() string {
	if p.kind == choiceKind {
		s := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			s[i] = fmt.Sprint(c)
		}
		return strings.Join(s, ",")
	}
	f := func(v float64) string {
		if p.kind == intKind {
			return strconv.Itoa(int(v))
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	s := f(p.Lo) + ":" + f(p.Hi)
	if p.Log {
		s += ":log"
	}
	return s
}

// check returns an error naming what is wrong with p.
func (p Param) check() error {
	if p.Name == "" {
		return fmt.Errorf("tune: a parameter has no name")
	}
	switch p.kind {
	case choiceKind:
		if len(p.Choices) == 0 {
			return fmt.Errorf("tune: choice %q has no values", p.Name)
		}
		for _, c := range p.Choices {
			switch v := c.(type) {
			case string, bool, int, int64:
			case float64:
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("tune: choice %q has the value %v; values must be finite", p.Name, v)
				}
			default:
				return fmt.Errorf("tune: choice %q has a value %v of type %T; use strings, bools, ints or float64s", p.Name, c, c)
			}
		}
		return nil
	}
	if math.IsNaN(p.Lo) || math.IsNaN(p.Hi) || math.IsInf(p.Lo, 0) || math.IsInf(p.Hi, 0) {
		return fmt.Errorf("tune: %s %q has a range [%g, %g]; bounds must be finite", p.kind, p.Name, p.Lo, p.Hi)
	}
	if p.kind == intKind && (math.Abs(p.Lo) > 1<<53 || math.Abs(p.Hi) > 1<<53) {
		return fmt.Errorf("tune: int %q: bounds %g and %g must be within ±2⁵³", p.Name, p.Lo, p.Hi)
	}
	if p.Lo > p.Hi {
		return fmt.Errorf("tune: %s %q: low %g must not be above high %g", p.kind, p.Name, p.Lo, p.Hi)
	}
	if p.Log && p.Lo <= 0 {
		return fmt.Errorf("tune: %s %q: a log scale needs a positive range, got low %g", p.kind, p.Name, p.Lo)
	}
	return nil
}

func checkSpace(space []Param) error {
	if len(space) == 0 {
		return fmt.Errorf("tune: the search space is empty")
	}
	seen := map[string]bool{}
	for _, p := range space {
		if err := p.check(); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("tune: parameter %q appears twice in the search space", p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// value turns an internal value (a float, an integer, or a choice index) into the
// parameter's value: float64, int or the choice.
func (p Param) value(x float64) any {
	switch p.kind {
	case intKind:
		return int(x)
	case choiceKind:
		return p.Choices[int(x)]
	}
	return x
}

// valid reports whether x is a possible internal value of p.
func (p Param) valid(x float64) bool {
	switch p.kind {
	case choiceKind:
		return x == math.Trunc(x) && x >= 0 && int(x) < len(p.Choices)
	case intKind:
		return x == math.Trunc(x) && x >= p.Lo && x <= p.Hi
	}
	return x >= p.Lo && x <= p.Hi
}

// ParseSpace builds a search space from command-line specs, one per parameter name (the flag
// without its dashes), sorted by name:
//
//	"1e-4:1e-1:log"  Float on a log scale
//	"0.1:0.9"        Float
//	"1:4"            Int (both bounds are integers); "1:64:log" is an Int on a log scale
//	"8,16,32"        Choice of ints; "relu,tanh" of strings; "0.5,1" of floats
//	"32"             a fixed value (a Choice of one)
//
// It returns an error naming the flag and the spec it cannot read.
func ParseSpace(specs map[string]string) ([]Param, error) {
	names := make([]string, 0, len(specs))
	for k := range specs {
		names = append(names, k)
	}
	slices.Sort(names)
	space := make([]Param, 0, len(names))
	for _, name := range names {
		p, err := parseParam(name, specs[name])
		if err != nil {
			return nil, fmt.Errorf("tune: --%s %q: %w", name, specs[name], err)
		}
		if err := p.check(); err != nil {
			return nil, err
		}
		space = append(space, p)
	}
	return space, nil
}

func parseParam(name, spec string) (Param, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return Param{}, fmt.Errorf("empty spec; want lo:hi, lo:hi:log or a,b,c")
	}
	if strings.Contains(spec, ":") {
		parts := strings.Split(spec, ":")
		var opts []Option
		switch {
		case len(parts) == 3 && parts[2] == "log":
			opts = append(opts, Log())
		case len(parts) != 2:
			return Param{}, fmt.Errorf("want lo:hi or lo:hi:log")
		}
		lo, hi := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		li, errLo := strconv.Atoi(lo)
		hiI, errHi := strconv.Atoi(hi)
		if errLo == nil && errHi == nil {
			return Int(name, li, hiI, opts...), nil
		}
		lf, err := strconv.ParseFloat(lo, 64)
		if err != nil {
			return Param{}, fmt.Errorf("low %q is not a number", lo)
		}
		hf, err := strconv.ParseFloat(hi, 64)
		if err != nil {
			return Param{}, fmt.Errorf("high %q is not a number", hi)
		}
		return Float(name, lf, hf, opts...), nil
	}
	parts := strings.Split(spec, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
		if parts[i] == "" {
			return Param{}, fmt.Errorf("empty choice")
		}
	}
	values := make([]any, len(parts))
	if ints, ok := parseAll(parts, strconv.Atoi); ok {
		for i, v := range ints {
			values[i] = v
		}
	} else if fs, ok := parseAll(parts, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }); ok {
		for i, v := range fs {
			values[i] = v
		}
	} else {
		for i, v := range parts {
			values[i] = v
		}
	}
	return Choice(name, values...), nil
}

func parseAll[T any](parts []string, parse func(string) (T, error)) ([]T, bool) {
	out := make([]T, len(parts))
	for i, s := range parts {
		v, err := parse(s)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}
