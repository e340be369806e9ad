package estimator

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/ember-ml/ember/tensor"
)

const pipelineKind = "pipeline"

// Step is one named stage of a Pipeline.
type Step struct {
	Name      string
	Estimator any
}

// Pipeline is scikit-learn's Pipeline: every step but the last is a Transformer, fitted on
// the output of the steps before it; the last is any estimator, fitted (or applied) on the
// transformed data. Predict, PredictProba, Transform, Score and DecisionFunction transform X
// through the first steps and call the last step's method.
type Pipeline struct {
	Steps []Step
}

// NewPipeline returns a pipeline of the given estimators, named as scikit-learn's
// make_pipeline names them: the type's lower-case name ("standardscaler", "svc"), with
// "-1", "-2"… appended when a name repeats.
func NewPipeline(estimators ...any) *Pipeline {
	p := &Pipeline{}
	count := map[string]int{}
	for _, e := range estimators {
		count[typeName(e)]++
	}
	seen := map[string]int{}
	for _, e := range estimators {
		n := typeName(e)
		if count[n] > 1 {
			seen[n]++
			n = fmt.Sprintf("%s-%d", n, seen[n])
		}
		p.Steps = append(p.Steps, Step{Name: n, Estimator: e})
	}
	return p
}

func typeName(e any) string {
	t := reflect.TypeOf(e)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "nil"
	}
	return strings.ToLower(t.Name())
}

// check validates the steps' shapes: at least one step, transformers before the last.
func (p *Pipeline) check(op string) error {
	if p == nil || len(p.Steps) == 0 {
		return fmt.Errorf("pipeline: %s: the pipeline has no steps", op)
	}
	names := map[string]bool{}
	for i, s := range p.Steps {
		if s.Estimator == nil {
			return fmt.Errorf("pipeline: %s: step %d (%q) is nil", op, i, s.Name)
		}
		if names[s.Name] {
			return fmt.Errorf("pipeline: %s: step name %q is used twice", op, s.Name)
		}
		names[s.Name] = true
		if _, ok := s.Estimator.(Transformer); !ok && i < len(p.Steps)-1 {
			return fmt.Errorf("pipeline: %s: step %d (%q, %T) is not a transformer (Fit(X) and Transform), "+
				"but only the last step may be something else", op, i, s.Name, s.Estimator)
		}
	}
	return nil
}

// fitTransformers fits the steps before the last on X, each on the previous one's output,
// and returns the input of the last step.
func (p *Pipeline) fitTransformers(X *tensor.Tensor) (*tensor.Tensor, error) {
	for _, s := range p.Steps[:len(p.Steps)-1] {
		t := s.Estimator.(Transformer)
		var err error
		if ft, ok := t.(interface {
			FitTransform(*tensor.Tensor) (*tensor.Tensor, error)
		}); ok {
			X, err = ft.FitTransform(X)
		} else if err = t.Fit(X); err == nil {
			X, err = t.Transform(X)
		}
		if err != nil {
			return nil, fmt.Errorf("pipeline: step %q: %w", s.Name, err)
		}
	}
	return X, nil
}

// transform applies the fitted steps before the last.
func (p *Pipeline) transform(op string, X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := p.check(op); err != nil {
		return nil, err
	}
	for _, s := range p.Steps[:len(p.Steps)-1] {
		var err error
		if X, err = s.Estimator.(Transformer).Transform(X); err != nil {
			return nil, fmt.Errorf("pipeline: step %q: %w", s.Name, err)
		}
	}
	return X, nil
}

func (p *Pipeline) last() Step { return p.Steps[len(p.Steps)-1] }

// Fit fits every step in turn. y may be nil when the last step is a transformer or another
// unsupervised estimator (Fit(X) error).
func (p *Pipeline) Fit(X, y *tensor.Tensor) error {
	if err := p.check("fit"); err != nil {
		return err
	}
	Xt, err := p.fitTransformers(X)
	if err != nil {
		return err
	}
	last := p.last()
	switch e := last.Estimator.(type) {
	case Supervised:
		err = e.Fit(Xt, y)
	case interface{ Fit(*tensor.Tensor) error }:
		err = e.Fit(Xt)
	default:
		return fmt.Errorf("pipeline: fit: the last step (%q, %T) has no Fit method", last.Name, last.Estimator)
	}
	if err != nil {
		return fmt.Errorf("pipeline: step %q: %w", last.Name, err)
	}
	return nil
}

// lastMethod transforms X and calls the last step's method, which must exist.
func lastMethod[I any](p *Pipeline, op string, X *tensor.Tensor, call func(I, *tensor.Tensor) (*tensor.Tensor, error)) (*tensor.Tensor, error) {
	Xt, err := p.transform(op, X)
	if err != nil {
		return nil, err
	}
	last := p.last()
	e, ok := last.Estimator.(I)
	if !ok {
		return nil, fmt.Errorf("pipeline: %s: the last step (%q, %T) has no %s", op, last.Name, last.Estimator, op)
	}
	out, err := call(e, Xt)
	if err != nil {
		return nil, fmt.Errorf("pipeline: step %q: %w", last.Name, err)
	}
	return out, nil
}

// Predict transforms X and predicts with the last step.
func (p *Pipeline) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	return lastMethod(p, "Predict", X, Predictor.Predict)
}

// PredictProba transforms X and returns the last step's class probabilities.
func (p *Pipeline) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	return lastMethod(p, "PredictProba", X, ProbaPredictor.PredictProba)
}

type decisionFunctioner interface {
	DecisionFunction(X *tensor.Tensor) (*tensor.Tensor, error)
}

// DecisionFunction transforms X and returns the last step's decision values.
func (p *Pipeline) DecisionFunction(X *tensor.Tensor) (*tensor.Tensor, error) {
	return lastMethod(p, "DecisionFunction", X, decisionFunctioner.DecisionFunction)
}

// Transform applies every step, the last one included (which must be a transformer).
func (p *Pipeline) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	return lastMethod(p, "Transform", X, Transformer.Transform)
}

// Score transforms X and returns the last step's score on (X, y).
func (p *Pipeline) Score(X, y *tensor.Tensor) (float64, error) {
	Xt, err := p.transform("Score", X)
	if err != nil {
		return 0, err
	}
	last := p.last()
	s, ok := last.Estimator.(Scorer)
	if !ok {
		return 0, fmt.Errorf("pipeline: Score: the last step (%q, %T) has no Score", last.Name, last.Estimator)
	}
	v, err := s.Score(Xt, y)
	if err != nil {
		return 0, fmt.Errorf("pipeline: step %q: %w", last.Name, err)
	}
	return v, nil
}

type stepParams struct {
	Name   string          `json:"name"`
	Kind   string          `json:"kind"`
	Params json.RawMessage `json:"params"`
}

// maxSteps bounds the steps a file may declare.
const maxSteps = 64

// MarshalState returns every step's kind, name and settings as JSON, and the steps' arrays
// prefixed "steps.<i>.".
func (p *Pipeline) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	if err := p.check("save"); err != nil {
		return nil, nil, err
	}
	var steps []stepParams
	arrays := map[string]*tensor.Tensor{}
	for i, s := range p.Steps {
		if _, nested := s.Estimator.(*Pipeline); nested {
			return nil, nil, fmt.Errorf("pipeline: save: step %q is itself a pipeline; flatten it", s.Name)
		}
		st, kind, err := stateful(s.Estimator)
		if err != nil {
			return nil, nil, fmt.Errorf("pipeline: step %q: %w", s.Name, err)
		}
		params, arr, err := st.MarshalState()
		if err != nil {
			return nil, nil, fmt.Errorf("pipeline: step %q: %w", s.Name, err)
		}
		steps = append(steps, stepParams{s.Name, kind, params})
		for k, v := range arr {
			arrays[fmt.Sprintf("steps.%d.%s", i, k)] = v
		}
	}
	js, err := json.Marshal(struct {
		Steps []stepParams `json:"steps"`
	}{steps})
	return js, arrays, err
}

// UnmarshalState rebuilds the steps from what MarshalState returned.
func (p *Pipeline) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	var v struct {
		Steps []stepParams `json:"steps"`
	}
	if err := json.Unmarshal(params, &v); err != nil {
		return fmt.Errorf("pipeline: settings: %w", err)
	}
	if len(v.Steps) == 0 || len(v.Steps) > maxSteps {
		return fmt.Errorf("pipeline: %d steps (want 1 to %d)", len(v.Steps), maxSteps)
	}
	per := make([]map[string]*tensor.Tensor, len(v.Steps))
	for i := range per {
		per[i] = map[string]*tensor.Tensor{}
	}
	for k, t := range arrays {
		var i int
		rest, ok := strings.CutPrefix(k, "steps.")
		if ok {
			num, name, found := strings.Cut(rest, ".")
			_, err := fmt.Sscanf(num, "%d", &i)
			ok = found && err == nil && fmt.Sprint(i) == num && i >= 0 && i < len(v.Steps)
			if ok {
				per[i][name] = t
			}
		}
		if !ok {
			return fmt.Errorf("pipeline: array %q belongs to no step", k)
		}
	}
	var steps []Step
	for i, s := range v.Steps {
		if s.Kind == pipelineKind {
			return fmt.Errorf("pipeline: step %d (%q) is a nested pipeline", i, s.Name)
		}
		e, err := New(s.Kind)
		if err != nil {
			return fmt.Errorf("pipeline: step %d (%q): %w", i, s.Name, err)
		}
		if err := e.UnmarshalState(s.Params, per[i]); err != nil {
			return fmt.Errorf("pipeline: step %d (%q): %w", i, s.Name, err)
		}
		steps = append(steps, Step{s.Name, e})
	}
	q := Pipeline{Steps: steps}
	if err := q.check("load"); err != nil {
		return err
	}
	*p = q
	return nil
}
