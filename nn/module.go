// Package nn provides neural-network building blocks with PyTorch's names, defaults and
// numbers: modules (Linear, activations, Dropout, Sequential), initialisers and losses.
//
// A module is any Go struct pointer; the ones with a Forward(*tensor.Tensor) *tensor.Tensor
// method satisfy Module. Parameters are found by reflection, without bookkeeping:
//
//   - an exported *tensor.Tensor field (or []*tensor.Tensor) is a parameter, trainable when it
//     requires grad (a frozen parameter stays a parameter, as in PyTorch);
//   - an exported *tensor.Tensor field tagged `ember:",buffer"` is a buffer (saved in the state
//     dict, not trained);
//   - an exported field holding another module (a struct pointer or an interface), or a slice
//     of them, is a child module.
//
// Names follow PyTorch's state-dict convention: the field name with its first letter lower
// cased (or the name in an `ember:"name"` tag), joined with dots, with slice elements and
// Sequential layers numbered: "layers.0.weight". A tag of `ember:"-"` hides a field.
// Modules that hold their children in another way implement Container.
//
// To moves a model's parameters and buffers to a device in place (module.to(device)).
// Summary prints a torchinfo-style table of a model — each module's output shape and
// parameter count, the totals, and the activation memory of a training step — computed on
// the meta device, where tensors have shapes but no data. It sees the outputs of this
// package's modules through a hook in their Forward methods; a user's own struct module
// nested inside the model is listed with its parameters but shows no output shape ("--").
package nn

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/ember-ml/ember/tensor"
)

// Module is a layer or model with a single-input forward pass.
type Module interface {
	Forward(x *tensor.Tensor) *tensor.Tensor
}

// Child is a named child module.
type Child struct {
	Name   string
	Module any
}

// Container is implemented by modules that list their children themselves (Sequential).
type Container interface {
	Children() []Child
}

// Trainer is implemented by modules whose behaviour differs in training and evaluation
// (Dropout, BatchNorm).
type Trainer interface {
	SetTraining(training bool)
}

// TensorLister is implemented by modules that name their parameters themselves (the
// recurrent layers, whose weights are called weight_ih_l0 and so on); it replaces the
// reflective search of their fields.
type TensorLister interface {
	NamedTensors() []NamedTensor
}

// Describer is implemented by modules that print a PyTorch-style name and extra_repr, such
// as Linear's "in_features=2, out_features=10, bias=True".
type Describer interface {
	Describe() (name, extra string)
}

// NamedTensor is a parameter or buffer with its state-dict name.
type NamedTensor struct {
	Name   string
	Tensor *tensor.Tensor
}

var tensorType = reflect.TypeFor[*tensor.Tensor]()

type fieldInfo struct {
	name   string
	skip   bool
	buffer bool
}

func parseTag(f reflect.StructField) fieldInfo {
	info := fieldInfo{name: lowerFirst(f.Name)}
	tag, ok := f.Tag.Lookup("ember")
	if !ok {
		return info
	}
	if tag == "-" {
		info.skip = true
		return info
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name != "" {
		info.name = name
	}
	info.buffer = opts == "buffer"
	return info
}

// lowerFirst lower-cases a Go field name's leading word, initialisms as a whole, as Go's own
// naming does: Layer1 → layer1, FC1 → fc1, HTTPServer → httpServer, ID → id.
func lowerFirst(s string) string {
	runes := []rune(s)
	n := 0
	for n < len(runes) && unicode.IsUpper(runes[n]) {
		n++
	}
	if n > 1 && n < len(runes) && unicode.IsLower(runes[n]) {
		n-- // the last capital starts the next word: HTTPServer → http + Server
	}
	for i := range n {
		runes[i] = unicode.ToLower(runes[i])
	}
	return string(runes)
}

// visitor receives tensors (params and buffers) and child modules in declaration order.
type visitor struct {
	tensor func(name string, t *tensor.Tensor, buffer bool)
	child  func(name string, m any) // called before descending
}

// walk visits m's own tensors and then its children, depth first, like PyTorch's
// named_parameters (a module's own parameters before its children's).
func walk(m any, prefix string, v visitor, seen map[uintptr]bool) {
	rv := reflect.ValueOf(m)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return
	}
	if seen[rv.Pointer()] {
		return
	}
	seen[rv.Pointer()] = true
	if v.tensor != nil {
		if l, ok := m.(TensorLister); ok {
			for _, e := range l.NamedTensors() {
				v.tensor(prefix+e.Name, e.Tensor, false)
			}
		} else {
			ownTensors(rv, prefix, v.tensor)
		}
	}
	for _, c := range childrenOf(m) {
		if v.child != nil {
			v.child(prefix+c.Name, c.Module)
		}
		walk(c.Module, prefix+c.Name+".", v, seen)
	}
}

// fields calls f for each exported, untagged-away field of the struct m points to.
func fields(rv reflect.Value, f func(info fieldInfo, fv reflect.Value)) {
	st := rv.Elem()
	for i := range st.NumField() {
		sf := st.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		if info := parseTag(sf); !info.skip {
			f(info, st.Field(i))
		}
	}
}

// ownTensors reports the tensors held directly by the module rv points to.
func ownTensors(rv reflect.Value, prefix string, visit func(name string, t *tensor.Tensor, buffer bool)) {
	fields(rv, func(info fieldInfo, fv reflect.Value) {
		switch {
		case fv.Type() == tensorType:
			if t := fv.Interface().(*tensor.Tensor); t != nil {
				visit(prefix+info.name, t, info.buffer)
			}
		case fv.Kind() == reflect.Slice && fv.Type().Elem() == tensorType:
			for j := range fv.Len() {
				if t := fv.Index(j).Interface().(*tensor.Tensor); t != nil {
					visit(fmt.Sprintf("%s%s.%d", prefix, info.name, j), t, info.buffer)
				}
			}
		}
	})
}

// childrenOf returns m's direct child modules: those a Container lists, or else the module
// fields and module slice elements, in declaration order.
func childrenOf(m any) []Child {
	if c, ok := m.(Container); ok {
		return c.Children()
	}
	rv := reflect.ValueOf(m)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	var children []Child
	fields(rv, func(info fieldInfo, fv reflect.Value) {
		switch {
		case isModuleValue(fv):
			children = append(children, Child{info.name, fv.Interface()})
		case fv.Kind() == reflect.Slice && fv.Type().Elem() != tensorType:
			for j := range fv.Len() {
				if e := fv.Index(j); isModuleValue(e) {
					children = append(children, Child{fmt.Sprintf("%s.%d", info.name, j), e.Interface()})
				}
			}
		}
	})
	return children
}

// isModuleValue reports whether v holds a non-nil pointer to a struct other than a tensor.
func isModuleValue(v reflect.Value) bool {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	return v.Kind() == reflect.Pointer && !v.IsNil() && v.Type() != tensorType && v.Elem().Kind() == reflect.Struct
}

// NamedParameters returns m's parameters with their state-dict names, in declaration order.
// A tensor shared by several fields is listed once, under its first name.
func NamedParameters(m any) []NamedTensor {
	var out []NamedTensor
	seen := map[*tensor.Tensor]bool{}
	walk(m, "", visitor{tensor: func(name string, t *tensor.Tensor, buffer bool) {
		if !buffer && !seen[t] {
			seen[t] = true
			out = append(out, NamedTensor{name, t})
		}
	}}, map[uintptr]bool{})
	return out
}

// Parameters returns m's parameters in declaration order, for an optimizer.
func Parameters(m any) []*tensor.Tensor {
	var ps []*tensor.Tensor
	for _, p := range NamedParameters(m) {
		ps = append(ps, p.Tensor)
	}
	return ps
}

// StateDict returns m's parameters and buffers by name, like model.state_dict(); ranging over
// it gives the names. The tensors are m's own (not copies). NamedTensors gives the same
// entries in declaration order.
func StateDict(m any) map[string]*tensor.Tensor {
	sd := map[string]*tensor.Tensor{}
	for _, e := range NamedTensors(m) {
		sd[e.Name] = e.Tensor
	}
	return sd
}

// NamedTensors returns m's parameters and buffers with their state-dict names, in declaration
// order (a module's own tensors before its children's, as PyTorch lists them).
func NamedTensors(m any) []NamedTensor {
	var out []NamedTensor
	walk(m, "", visitor{tensor: func(name string, t *tensor.Tensor, _ bool) {
		out = append(out, NamedTensor{name, t})
	}}, map[uintptr]bool{})
	return out
}

// LoadStateDict copies the tensors of sd into m's parameters and buffers by name. With strict
// set, missing and unexpected names are errors, as in PyTorch; a shape mismatch is always an
// error naming the entry and both shapes.
func LoadStateDict(m any, sd map[string]*tensor.Tensor, strict bool) error {
	own := NamedTensors(m)
	var missing []string
	for _, e := range own {
		src, ok := sd[e.Name]
		if !ok {
			missing = append(missing, e.Name)
			continue
		}
		if !slices.Equal(src.Shape(), e.Tensor.Shape()) {
			return fmt.Errorf("nn: load state dict: size mismatch for %s: copying a param with shape %v from checkpoint, the shape in current model is %v", e.Name, src.Shape(), e.Tensor.Shape())
		}
	}
	if strict {
		var unexpected []string
		for name := range sd {
			if !slices.ContainsFunc(own, func(e NamedTensor) bool { return e.Name == name }) {
				unexpected = append(unexpected, name)
			}
		}
		slices.Sort(unexpected)
		if len(missing) > 0 || len(unexpected) > 0 {
			return fmt.Errorf("nn: load state dict: missing keys %q, unexpected keys %q", missing, unexpected)
		}
	}
	tensor.NoGrad(func() {
		for _, e := range own {
			if src, ok := sd[e.Name]; ok {
				e.Tensor.CopyFrom(src)
			}
		}
	})
	return nil
}

// Modules returns m and all its descendants with their names ("" for m itself).
func Modules(m any) []Child {
	out := []Child{{"", m}}
	walk(m, "", visitor{child: func(name string, c any) { out = append(out, Child{name, c}) }}, map[uintptr]bool{})
	return out
}

// Train puts m and its descendants in training mode (Dropout active, BatchNorm updating).
func Train(m any) { setTraining(m, true) }

// Eval puts m and its descendants in evaluation mode.
func Eval(m any) { setTraining(m, false) }

func setTraining(m any, training bool) {
	for _, c := range Modules(m) {
		if t, ok := c.Module.(Trainer); ok {
			t.SetTraining(training)
		}
	}
}

// ZeroGrad clears the gradients of m's parameters.
func ZeroGrad(m any) {
	for _, p := range Parameters(m) {
		p.ZeroGrad()
	}
}

func describe(m any) (string, string) {
	if d, ok := m.(Describer); ok {
		return d.Describe()
	}
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name(), ""
}

// String formats m like PyTorch's print(model): the module's name, its settings and its
// children, indented.
func String(m any) string {
	name, extra := describe(m)
	var lines []string
	var extraLines []string
	if extra != "" {
		extraLines = strings.Split(extra, "\n")
	}
	var childLines []string
	for _, c := range childrenOf(m) {
		s := strings.ReplaceAll(String(c.Module), "\n", "\n  ")
		childLines = append(childLines, "("+c.Name+"): "+s)
	}
	lines = append(extraLines, childLines...)
	out := name + "("
	if len(lines) > 0 {
		if len(extraLines) == 1 && len(childLines) == 0 {
			out += extraLines[0]
		} else {
			out += "\n  " + strings.Join(lines, "\n  ") + "\n"
		}
	}
	return out + ")"
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
