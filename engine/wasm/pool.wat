;; Max and average pooling, forward and backward, in WebAssembly (engine/kernels/wasmPool.ts calls
;; it), with the semantics of the JS kernels (engine/kernels/pool.ts), bit for bit:
;;   max: the first maximum of each window in row-major order, NaN winning (the first one), its
;;        flat index into x saved; backward adds dy at those indices.
;;   avg: the window's cells of x summed in float64, divided by the full window area kh·kw
;;        (padding counts), rounded once to float32, as JS numbers do; backward spreads dy / area
;;        back, each addition rounded to float32 as a Float32Array store rounds it.
;; Planes of h × w (batch × channels of them), windows from i·sh − ph and j·sw − pw, clipped to
;; the plane. Addresses are byte offsets in the engine's one kernel memory
;; (engine/kernels/wasmMemory.ts), imported, shared between threads where the platform allows it
;; (the build also makes a variant without `shared`); these functions run on the calling thread.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; out[t] = max of window t, argmax[t] = its flat index into x (i32).
  (func (export "max_pool")
    (param $x i32) (param $out i32) (param $argmax i32) (param $planes i32) (param $h i32) (param $w i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $oh i32) (param $ow i32)
    (local $plane i32) (local $start i32) (local $i i32) (local $j i32) (local $top i32) (local $left i32)
    (local $rowFrom i32) (local $rowTo i32) (local $colFrom i32) (local $colTo i32) (local $row i32) (local $col i32)
    (local $index i32) (local $at i32) (local $v f32) (local $best f32)
    (local.set $plane (i32.const 0))
    (block $planesDone
      (loop $planesLoop
        (br_if $planesDone (i32.ge_u (local.get $plane) (local.get $planes)))
        (local.set $start (i32.mul (local.get $plane) (i32.mul (local.get $h) (local.get $w))))
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $oh)))
            (local.set $top (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $ph)))
            (local.set $rowFrom (select (i32.const 0) (local.get $top) (i32.lt_s (local.get $top) (i32.const 0))))
            (local.set $rowTo (select (local.get $h) (i32.add (local.get $top) (local.get $kh))
              (i32.gt_s (i32.add (local.get $top) (local.get $kh)) (local.get $h))))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $ow)))
                (local.set $left (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $pw)))
                (local.set $colFrom (select (i32.const 0) (local.get $left) (i32.lt_s (local.get $left) (i32.const 0))))
                (local.set $colTo (select (local.get $w) (i32.add (local.get $left) (local.get $kw))
                  (i32.gt_s (i32.add (local.get $left) (local.get $kw)) (local.get $w))))
                (local.set $best (f32.const -inf))
                (local.set $at (i32.const -1))
                (local.set $row (local.get $rowFrom))
                (block $rowsDone
                  (loop $rows
                    (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rowTo)))
                    (local.set $index (i32.add (i32.add (local.get $start) (i32.mul (local.get $row) (local.get $w))) (local.get $colFrom)))
                    (local.set $col (local.get $colFrom))
                    (block $colsDone
                      (loop $cols
                        (br_if $colsDone (i32.ge_s (local.get $col) (local.get $colTo)))
                        (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $index) (i32.const 2)))))
                        ;; the first cell, a larger one, or the first NaN (v ≠ v) over a number
                        (if (i32.or (i32.or (i32.lt_s (local.get $at) (i32.const 0)) (f32.gt (local.get $v) (local.get $best)))
                              (i32.and (f32.ne (local.get $v) (local.get $v)) (f32.eq (local.get $best) (local.get $best))))
                          (then (local.set $best (local.get $v)) (local.set $at (local.get $index))))
                        (local.set $index (i32.add (local.get $index) (i32.const 1)))
                        (local.set $col (i32.add (local.get $col) (i32.const 1)))
                        (br $cols)))
                    (local.set $row (i32.add (local.get $row) (i32.const 1)))
                    (br $rows)))
                (f32.store (local.get $out) (local.get $best))
                (i32.store (local.get $argmax) (local.get $at))
                (local.set $out (i32.add (local.get $out) (i32.const 4)))
                (local.set $argmax (i32.add (local.get $argmax) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
        (local.set $plane (i32.add (local.get $plane) (i32.const 1)))
        (br $planesLoop))))

  ;; dx (cells floats, zeroed here) += dy[t] at argmax[t], for t < count (−1 passes nothing).
  (func (export "max_pool_backward")
    (param $dy i32) (param $argmax i32) (param $dx i32) (param $count i32) (param $cells i32)
    (local $end i32) (local $at i32) (local $to i32)
    (memory.fill (local.get $dx) (i32.const 0) (i32.shl (local.get $cells) (i32.const 2)))
    (local.set $end (i32.add (local.get $argmax) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $argmax) (local.get $end)))
        (local.set $at (i32.load (local.get $argmax)))
        (if (i32.ge_s (local.get $at) (i32.const 0))
          (then
            (local.set $to (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2))))
            (f32.store (local.get $to) (f32.add (f32.load (local.get $to)) (f32.load (local.get $dy))))))
        (local.set $argmax (i32.add (local.get $argmax) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (br $each))))

  ;; Average pooling (backward = 0) or its gradient (backward = 1), one loop over the windows:
  ;;   forward:  out[t] = f32(Σ_window f64(x) / area)
  ;;   backward: dx (zeroed here) cell += dy[t] / area, each addition rounded to float32.
  ;; `a` is x (forward) or dx (backward), `b` out or dy; `cells` the floats of dx.
  (func (export "avg_pool")
    (param $a i32) (param $b i32) (param $backward i32) (param $cells i32) (param $planes i32) (param $h i32) (param $w i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $oh i32) (param $ow i32)
    (local $plane i32) (local $start i32) (local $i i32) (local $j i32) (local $top i32) (local $left i32)
    (local $rowFrom i32) (local $rowTo i32) (local $colFrom i32) (local $colTo i32) (local $row i32) (local $col i32)
    (local $cell i32) (local $area f64) (local $sum f64) (local $share f64)
    (local.set $area (f64.convert_i32_u (i32.mul (local.get $kh) (local.get $kw))))
    (if (local.get $backward) (then (memory.fill (local.get $a) (i32.const 0) (i32.shl (local.get $cells) (i32.const 2)))))
    (local.set $plane (i32.const 0))
    (block $planesDone
      (loop $planesLoop
        (br_if $planesDone (i32.ge_u (local.get $plane) (local.get $planes)))
        (local.set $start (i32.add (local.get $a) (i32.shl (i32.mul (local.get $plane) (i32.mul (local.get $h) (local.get $w))) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $oh)))
            (local.set $top (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $ph)))
            (local.set $rowFrom (select (i32.const 0) (local.get $top) (i32.lt_s (local.get $top) (i32.const 0))))
            (local.set $rowTo (select (local.get $h) (i32.add (local.get $top) (local.get $kh))
              (i32.gt_s (i32.add (local.get $top) (local.get $kh)) (local.get $h))))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $ow)))
                (local.set $left (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $pw)))
                (local.set $colFrom (select (i32.const 0) (local.get $left) (i32.lt_s (local.get $left) (i32.const 0))))
                (local.set $colTo (select (local.get $w) (i32.add (local.get $left) (local.get $kw))
                  (i32.gt_s (i32.add (local.get $left) (local.get $kw)) (local.get $w))))
                (local.set $sum (f64.const 0))
                (local.set $share (f64.div (f64.promote_f32 (f32.load (local.get $b))) (local.get $area)))
                (local.set $row (local.get $rowFrom))
                (block $rowsDone
                  (loop $rows
                    (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rowTo)))
                    (local.set $cell (i32.add (local.get $start) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $w)) (local.get $colFrom)) (i32.const 2))))
                    (local.set $col (local.get $colFrom))
                    (block $colsDone
                      (loop $cols
                        (br_if $colsDone (i32.ge_s (local.get $col) (local.get $colTo)))
                        (if (local.get $backward)
                          (then (f32.store (local.get $cell) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $cell))) (local.get $share)))))
                          (else (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (local.get $cell)))))))
                        (local.set $cell (i32.add (local.get $cell) (i32.const 4)))
                        (local.set $col (i32.add (local.get $col) (i32.const 1)))
                        (br $cols)))
                    (local.set $row (i32.add (local.get $row) (i32.const 1)))
                    (br $rows)))
                (if (i32.eqz (local.get $backward)) (then (f32.store (local.get $b) (f32.demote_f64 (f64.div (local.get $sum) (local.get $area))))))
                (local.set $b (i32.add (local.get $b) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
        (local.set $plane (i32.add (local.get $plane) (i32.const 1)))
        (br $planesLoop))))
)
