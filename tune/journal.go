package tune

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"time"
)

// A journal is a JSONL file: a header line naming the study (direction, seed, space), then
// one line per finished trial, each appended with a single write and fsynced, so a crash
// loses at most the trials that were running and tears at most the last line.

const journalKind = "ember.tune/v1"

type journalHeader struct {
	Kind      string      `json:"kind"`
	Direction string      `json:"direction"`
	Seed      uint64      `json:"seed"`
	Space     []paramWire `json:"space"`
}

type paramWire struct {
	Name    string  `json:"name"`
	Kind    string  `json:"type"`
	Lo      float64 `json:"lo,omitempty"`
	Hi      float64 `json:"hi,omitempty"`
	Log     bool    `json:"log,omitempty"`
	Choices []any   `json:"choices,omitempty"`
}

type stepWire struct {
	Step  int       `json:"step"`
	Value jsonFloat `json:"value"`
}

type trialWire struct {
	Number  int            `json:"number"`
	State   string         `json:"state"`
	Params  map[string]any `json:"params"` // for people; X is what is read back
	X       []float64      `json:"x"`
	Value   jsonFloat      `json:"value"`
	Steps   []stepWire     `json:"steps,omitempty"`
	Seconds float64        `json:"seconds"`
	Err     string         `json:"error,omitempty"`
}

// jsonFloat writes NaN and infinities as null, and reads null as NaN.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	var v float64
	err := json.Unmarshal(b, &v)
	*f = jsonFloat(v)
	return err
}

func (s *Study) header() journalHeader {
	h := journalHeader{Kind: journalKind, Direction: s.Direction.String(), Seed: s.Seed}
	for _, p := range s.Space {
		h.Space = append(h.Space, paramWire{p.Name, p.kind.String(), p.Lo, p.Hi, p.Log, p.Choices})
	}
	return h
}

type journal struct {
	f    *os.File
	path string
}

// openJournal reads the journal at path (creating it with header h if it does not exist),
// returns its trials, and leaves it open for appending. A last line without its newline that
// does not parse is a write torn by a crash: it is cut off, with a note (a torn header only
// if it is the start of h, so that a file that is no journal is never cut). Any other bad
// line is an error.
func openJournal(path string, h journalHeader) (*journal, []TrialResult, []string, error) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("tune: %w", err)
	}
	created := err != nil
	wantHeader, _ := json.Marshal(h)
	var (
		done     []TrialResult
		notes    []string
		keep     = len(b) // bytes of good lines
		haveHead bool
		seen     = map[int]bool{}
	)
	for off, line := 0, 1; off < len(b); line++ {
		end := bytes.IndexByte(b[off:], '\n')
		torn := end < 0 // a crash cuts a line short, before its newline
		if end < 0 {
			end = len(b) - off
		}
		text := b[off : off+end]
		err := func() error {
			if !haveHead {
				var got journalHeader
				if err := strictUnmarshal(text, &got); err != nil {
					return err
				}
				if got.Kind != journalKind {
					return fmt.Errorf("not a tune journal header (kind %q)", got.Kind)
				}
				if gotJSON, _ := json.Marshal(got); !bytes.Equal(gotJSON, wantHeader) {
					return errMismatch
				}
				haveHead = true
				return nil
			}
			t, err := decodeTrial(text)
			if err != nil {
				return err
			}
			if seen[t.Number] {
				return fmt.Errorf("trial %d appears twice", t.Number)
			}
			seen[t.Number] = true
			done = append(done, t)
			return nil
		}()
		switch {
		case errors.Is(err, errMismatch):
			return nil, nil, nil, fmt.Errorf("tune: journal %s was written by a study with another direction, seed or search space: %s", path, text)
		case err != nil && torn && (haveHead || bytes.HasPrefix(wantHeader, text)):
			notes = append(notes, fmt.Sprintf("tune: journal %s: ignored its torn last line %d (%v)", path, line, err))
			keep = off
		case err != nil:
			return nil, nil, nil, fmt.Errorf("tune: journal %s line %d: %w", path, line, err)
		}
		off += end + 1
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("tune: %w", err)
	}
	j := &journal{f: f, path: path}
	fail := func(err error) (*journal, []TrialResult, []string, error) {
		f.Close()
		return nil, nil, nil, fmt.Errorf("tune: journal %s: %w", path, err)
	}
	if keep < len(b) {
		if err := f.Truncate(int64(keep)); err != nil {
			return fail(err)
		}
	} else if keep > 0 && b[keep-1] != '\n' {
		if err := j.write([]byte("\n")); err != nil {
			return fail(err)
		}
	}
	if !haveHead {
		if err := j.write(append(wantHeader, '\n')); err != nil {
			return fail(err)
		}
	}
	if created {
		if err := syncDir(filepath.Dir(path)); err != nil {
			return fail(err)
		}
	}
	return j, done, notes, nil
}

var errMismatch = errors.New("header mismatch")

func strictUnmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}

func decodeTrial(b []byte) (TrialResult, error) {
	var w trialWire
	if err := strictUnmarshal(b, &w); err != nil {
		return TrialResult{}, err
	}
	t := TrialResult{Number: w.Number, Value: float64(w.Value), x: w.X, Err: w.Err,
		Duration: time.Duration(w.Seconds * float64(time.Second))}
	if w.Number < 0 {
		return t, fmt.Errorf("negative trial number %d", w.Number)
	}
	switch w.State {
	case "complete":
		t.State = Complete
	case "pruned":
		t.State = Pruned
	case "failed":
		t.State = Failed
	default:
		return t, fmt.Errorf("trial %d has unknown state %q", w.Number, w.State)
	}
	for _, s := range w.Steps {
		t.Steps = append(t.Steps, Step{s.Step, float64(s.Value)})
	}
	return t, nil
}

func (j *journal) append(t TrialResult) error {
	w := trialWire{Number: t.Number, State: t.State.String(), Params: t.Params, X: t.x,
		Value: jsonFloat(t.Value), Seconds: t.Duration.Seconds(), Err: t.Err}
	for _, s := range t.Steps {
		w.Steps = append(w.Steps, stepWire{s.Step, jsonFloat(s.Value)})
	}
	line, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("tune: journal %s: trial %d: %w", j.path, t.Number, err)
	}
	if err := j.write(append(line, '\n')); err != nil {
		return fmt.Errorf("tune: journal %s: %w", j.path, err)
	}
	return nil
}

// write appends b with one write call and waits for it to reach the disk.
func (j *journal) write(b []byte) error {
	if _, err := j.f.Write(b); err != nil {
		return err
	}
	return j.f.Sync()
}

func (j *journal) close() { j.f.Close() }

// syncDir makes a new file's directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
