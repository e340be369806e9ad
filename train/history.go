package train

import (
	"encoding/json"
	"math"
	"time"
)

// jsonFloat is a float64 that JSON can always hold: NaN and ±Inf are written as null, and
// null reads back as NaN.
type jsonFloat float64

// MarshalJSON writes a finite value as a number and anything else as null.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads a number, or null as NaN.
func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = jsonFloat(v)
	return nil
}

// epochWire is an Epoch with JSON-safe numbers and the same field names.
type epochWire struct {
	Epoch     int
	TrainLoss jsonFloat
	ValLoss   jsonFloat
	Metrics   map[string]jsonFloat
	LR        jsonFloat
	Duration  time.Duration
}

// MarshalJSON writes the epoch with Epoch's field names; NaN and infinite values (ValLoss
// without validation, say) become null, so json.Marshal of a History never fails. Duration
// is in nanoseconds.
func (e Epoch) MarshalJSON() ([]byte, error) {
	return json.Marshal(epochWire{e.Epoch, jsonFloat(e.TrainLoss), jsonFloat(e.ValLoss), toJSONFloats(e.Metrics), jsonFloat(e.LR), e.Duration})
}

// UnmarshalJSON reads what MarshalJSON writes: null values, and a missing ValLoss, become NaN
// (so infinities come back as NaN), and a missing Metrics map becomes an empty one.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	w := epochWire{ValLoss: jsonFloat(math.NaN())}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Epoch{w.Epoch, float64(w.TrainLoss), float64(w.ValLoss), fromJSONFloats(w.Metrics), float64(w.LR), w.Duration}
	return nil
}

func toJSONFloats(m map[string]float64) map[string]jsonFloat {
	if m == nil {
		return nil
	}
	out := make(map[string]jsonFloat, len(m))
	for k, v := range m {
		out[k] = jsonFloat(v)
	}
	return out
}

// fromJSONFloats converts back; it never returns nil, as Fit's records hold a map.
func fromJSONFloats(m map[string]jsonFloat) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}
