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

  ;; Four windows side by side (outputs j … j+3 of a row whose windows lie inside the plane
  ;; horizontally) at once in f32x4 lanes, with no branch on the data: what makes max pooling fast
  ;; (a branch on random data is mispredicted half the time). Lane l's window starts at column
  ;; left + l·sw.

  ;; One window (cells rowFrom ≤ row < rowTo, colFrom ≤ col < colTo of the plane from cell
  ;; `start`): its max to out, its argmax (flat into x) to argmax. The first cell, a larger one, or
  ;; the first NaN over a number takes the lead.
  (func $maxWindow (param $x i32) (param $start i32) (param $w i32) (param $rowFrom i32) (param $rowTo i32)
    (param $colFrom i32) (param $colTo i32) (param $out i32) (param $argmax i32)
    (local $row i32) (local $col i32) (local $index i32) (local $at i32) (local $v f32) (local $best f32)
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
            (if (i32.or (i32.or (i32.lt_s (local.get $at) (i32.const 0)) (f32.gt (local.get $v) (local.get $best)))
                  (i32.and (f32.ne (local.get $v) (local.get $v)) (f32.eq (local.get $best) (local.get $best))))
              (then (local.set $best (local.get $v)) (local.set $at (local.get $index))))
            (local.set $index (i32.add (local.get $index) (i32.const 1)))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))
            (br $cols)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
    (f32.store (local.get $out) (local.get $best))
    (i32.store (local.get $argmax) (local.get $at)))

  ;; Four windows side by side, as $maxWindow decides each, lane by lane with bit selects. Each
  ;; cell's four values (x at p, p + sw, p + 2sw, p + 3sw) are one load side by side (sw 1), the
  ;; even floats of two loads (sw 2), or four loads; written out here, as a function called per
  ;; cell cost a third of this loop.
  (func $maxWindow4 (param $x i32) (param $start i32) (param $w i32) (param $rowFrom i32) (param $rowTo i32)
    (param $left i32) (param $kw i32) (param $sw i32) (param $out i32) (param $argmax i32)
    (local $row i32) (local $b i32) (local $p i32) (local $lanes v128)
    (local $v v128) (local $index v128) (local $best v128) (local $at v128) (local $take v128)
    ;; each lane's offset from lane 0: 0, sw, 2sw, 3sw
    (local.set $lanes (i32x4.mul (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $sw))))
    (local.set $best (f32x4.splat (f32.const -inf)))
    (local.set $at (i32x4.splat (i32.const -1)))
    (local.set $row (local.get $rowFrom))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rowTo)))
        (local.set $p (i32.add (i32.add (local.get $start) (i32.mul (local.get $row) (local.get $w))) (local.get $left)))
        (local.set $b (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $b) (local.get $kw)))
            (local.set $v (if (result v128) (i32.eq (local.get $sw) (i32.const 1))
              (then (v128.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2)))))
              (else (if (result v128) (i32.eq (local.get $sw) (i32.const 2))
                (then (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (v128.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2))))
                  (v128.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2))))))
                (else (f32x4.replace_lane 3
                  (f32x4.replace_lane 2
                    (f32x4.replace_lane 1
                      (f32x4.splat (f32.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2)))))
                      (f32.load (i32.add (local.get $x) (i32.shl (i32.add (local.get $p) (local.get $sw)) (i32.const 2)))))
                    (f32.load (i32.add (local.get $x) (i32.shl (i32.add (local.get $p) (i32.shl (local.get $sw) (i32.const 1))) (i32.const 2)))))
                  (f32.load (i32.add (local.get $x) (i32.shl (i32.add (local.get $p) (i32.mul (local.get $sw) (i32.const 3))) (i32.const 2))))))))))
            (local.set $index (i32x4.add (i32x4.splat (local.get $p)) (local.get $lanes)))
            (local.set $take (v128.or
              (v128.or (i32x4.lt_s (local.get $at) (v128.const i32x4 0 0 0 0)) (f32x4.gt (local.get $v) (local.get $best)))
              (v128.and (f32x4.ne (local.get $v) (local.get $v)) (f32x4.eq (local.get $best) (local.get $best)))))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
            (local.set $at (v128.bitselect (local.get $index) (local.get $at) (local.get $take)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $cols)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
    (v128.store (local.get $out) (local.get $best))
    (v128.store (local.get $argmax) (local.get $at)))

  ;; Four windows' averages: the cells summed in float64 lanes (two f64x2), in the order
  ;; $avgWindow sums them, divided by the area and rounded to float32; the cells read as in
  ;; $maxWindow4.
  (func $avgWindow4 (param $x i32) (param $start i32) (param $w i32) (param $rowFrom i32) (param $rowTo i32)
    (param $left i32) (param $kw i32) (param $sw i32) (param $area f64) (param $out i32)
    (local $row i32) (local $b i32) (local $p i32) (local $v v128) (local $low v128) (local $high v128) (local $areas v128)
    (local.set $low (f64x2.splat (f64.const 0)))
    (local.set $high (f64x2.splat (f64.const 0)))
    (local.set $row (local.get $rowFrom))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rowTo)))
        (local.set $p (i32.add (i32.add (local.get $start) (i32.mul (local.get $row) (local.get $w))) (local.get $left)))
        (local.set $b (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $b) (local.get $kw)))
            (local.set $v (if (result v128) (i32.eq (local.get $sw) (i32.const 1))
              (then (v128.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2)))))
              (else (if (result v128) (i32.eq (local.get $sw) (i32.const 2))
                (then (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                  (v128.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2))))
                  (v128.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2))))))
                (else (f32x4.replace_lane 3
                  (f32x4.replace_lane 2
                    (f32x4.replace_lane 1
                      (f32x4.splat (f32.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2)))))
                      (f32.load (i32.add (local.get $x) (i32.shl (i32.add (local.get $p) (local.get $sw)) (i32.const 2)))))
                    (f32.load (i32.add (local.get $x) (i32.shl (i32.add (local.get $p) (i32.shl (local.get $sw) (i32.const 1))) (i32.const 2)))))
                  (f32.load (i32.add (local.get $x) (i32.shl (i32.add (local.get $p) (i32.mul (local.get $sw) (i32.const 3))) (i32.const 2))))))))))
            (local.set $low (f64x2.add (local.get $low) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $high (f64x2.add (local.get $high) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $cols)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
    (local.set $areas (f64x2.splat (local.get $area)))
    (v128.store (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.div (local.get $low) (local.get $areas)))
      (f32x4.demote_f64x2_zero (f64x2.div (local.get $high) (local.get $areas))))))

  ;; One window's average: its cells of x summed in float64, divided by the area, rounded once.
  (func $avgWindow (param $x i32) (param $start i32) (param $w i32) (param $rowFrom i32) (param $rowTo i32)
    (param $colFrom i32) (param $colTo i32) (param $area f64) (param $out i32)
    (local $row i32) (local $col i32) (local $index i32) (local $sum f64)
    (local.set $row (local.get $rowFrom))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rowTo)))
        (local.set $index (i32.add (i32.add (local.get $start) (i32.mul (local.get $row) (local.get $w))) (local.get $colFrom)))
        (local.set $col (local.get $colFrom))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $col) (local.get $colTo)))
            (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $index) (i32.const 2)))))))
            (local.set $index (i32.add (local.get $index) (i32.const 1)))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))
            (br $cols)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))
    (f32.store (local.get $out) (f32.demote_f64 (f64.div (local.get $sum) (local.get $area)))))

  ;; Max pooling (average = 0: out[t] = max of window t, argmax[t] = its flat index into x, i32)
  ;; or average pooling forward (average = 1: out[t] = the mean over the full area; argmax unused).
  ;; Windows clipped on the left or right run one at a time; the rest four at a time (rows with
  ;; fewer than four inside, one at a time too).
  (func (export "pool")
    (param $x i32) (param $out i32) (param $argmax i32) (param $average i32) (param $planes i32) (param $h i32) (param $w i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $oh i32) (param $ow i32)
    (local $plane i32) (local $start i32) (local $i i32) (local $j i32) (local $top i32) (local $left i32)
    (local $rowFrom i32) (local $rowTo i32) (local $colFrom i32) (local $colTo i32)
    (local $insideFrom i32) (local $insideTo i32) (local $back i32) (local $area f64)
    (local.set $area (f64.convert_i32_u (i32.mul (local.get $kh) (local.get $kw))))
    ;; the outputs j whose windows lie inside horizontally: insideFrom ≤ j < insideTo
    ;; (left = j·sw − pw ≥ 0 and left + kw ≤ w)
    (local.set $insideFrom (i32.div_u (i32.add (local.get $pw) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw)))
    (local.set $insideTo (select
      (i32.add (i32.div_s (i32.add (i32.sub (local.get $w) (local.get $kw)) (local.get $pw)) (local.get $sw)) (i32.const 1))
      (i32.const 0)
      (i32.ge_s (i32.add (i32.sub (local.get $w) (local.get $kw)) (local.get $pw)) (i32.const 0))))
    (if (i32.gt_s (local.get $insideTo) (local.get $ow)) (then (local.set $insideTo (local.get $ow))))
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
                (if (i32.and (i32.and (i32.ge_s (local.get $j) (local.get $insideFrom)) (i32.lt_s (local.get $j) (local.get $insideTo)))
                      (i32.ge_s (i32.sub (local.get $insideTo) (local.get $insideFrom)) (i32.const 4)))
                  (then
                    ;; four windows from j, or the last four inside when fewer are left (those
                    ;; already written are written again, with the same values)
                    (local.set $back (i32.shl (select (i32.sub (i32.add (local.get $j) (i32.const 4)) (local.get $insideTo)) (i32.const 0)
                      (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $insideTo))) (i32.const 2)))
                    (local.set $out (i32.sub (local.get $out) (local.get $back)))
                    (local.set $argmax (i32.sub (local.get $argmax) (local.get $back)))
                    (local.set $j (i32.sub (local.get $j) (i32.shr_u (local.get $back) (i32.const 2))))
                    (local.set $left (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $pw)))
                    (if (local.get $average)
                      (then (call $avgWindow4 (local.get $x) (local.get $start) (local.get $w) (local.get $rowFrom) (local.get $rowTo)
                        (local.get $left) (local.get $kw) (local.get $sw) (local.get $area) (local.get $out)))
                      (else (call $maxWindow4 (local.get $x) (local.get $start) (local.get $w) (local.get $rowFrom) (local.get $rowTo)
                        (local.get $left) (local.get $kw) (local.get $sw) (local.get $out) (local.get $argmax))))
                    (local.set $out (i32.add (local.get $out) (i32.const 16)))
                    (local.set $argmax (i32.add (local.get $argmax) (i32.const 16)))
                    (local.set $j (i32.add (local.get $j) (i32.const 4))))
                  (else
                    (local.set $left (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $pw)))
                    (local.set $colFrom (select (i32.const 0) (local.get $left) (i32.lt_s (local.get $left) (i32.const 0))))
                    (local.set $colTo (select (local.get $w) (i32.add (local.get $left) (local.get $kw))
                      (i32.gt_s (i32.add (local.get $left) (local.get $kw)) (local.get $w))))
                    (if (local.get $average)
                      (then (call $avgWindow (local.get $x) (local.get $start) (local.get $w) (local.get $rowFrom) (local.get $rowTo)
                        (local.get $colFrom) (local.get $colTo) (local.get $area) (local.get $out)))
                      (else (call $maxWindow (local.get $x) (local.get $start) (local.get $w) (local.get $rowFrom) (local.get $rowTo)
                        (local.get $colFrom) (local.get $colTo) (local.get $out) (local.get $argmax))))
                    (local.set $out (i32.add (local.get $out) (i32.const 4)))
                    (local.set $argmax (i32.add (local.get $argmax) (i32.const 4)))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))))
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

;; Average pooling's gradient: dx (cells floats, zeroed here) cell += dy[t] / area over each
  ;; window, window after window, each addition rounded to float32 (the JS kernel's order: windows
  ;; may overlap, and then the order of the additions matters). One scalar loop.
  (func (export "avg_pool_backward")
    (param $dx i32) (param $dy i32) (param $cells i32) (param $planes i32) (param $h i32) (param $w i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $oh i32) (param $ow i32)
    (local $plane i32) (local $start i32) (local $i i32) (local $j i32) (local $top i32) (local $left i32)
    (local $rowFrom i32) (local $rowTo i32) (local $colFrom i32) (local $colTo i32) (local $row i32) (local $col i32)
    (local $cell i32) (local $area f64) (local $share f64)
    (local.set $area (f64.convert_i32_u (i32.mul (local.get $kh) (local.get $kw))))
    (memory.fill (local.get $dx) (i32.const 0) (i32.shl (local.get $cells) (i32.const 2)))
    (local.set $plane (i32.const 0))
    (block $planesDone
      (loop $planesLoop
        (br_if $planesDone (i32.ge_u (local.get $plane) (local.get $planes)))
        (local.set $start (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $plane) (i32.mul (local.get $h) (local.get $w))) (i32.const 2))))
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
                (local.set $share (f64.div (f64.promote_f32 (f32.load (local.get $dy))) (local.get $area)))
                (local.set $row (local.get $rowFrom))
                (block $rowsDone
                  (loop $rows
                    (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rowTo)))
                    (local.set $cell (i32.add (local.get $start) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $w)) (local.get $colFrom)) (i32.const 2))))
                    (local.set $col (local.get $colFrom))
                    (block $colsDone
                      (loop $cols
                        (br_if $colsDone (i32.ge_s (local.get $col) (local.get $colTo)))
                        (f32.store (local.get $cell) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $cell))) (local.get $share))))
                        (local.set $cell (i32.add (local.get $cell) (i32.const 4)))
                        (local.set $col (i32.add (local.get $col) (i32.const 1)))
                        (br $cols)))
                    (local.set $row (i32.add (local.get $row) (i32.const 1)))
                    (br $rows)))
                (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
        (local.set $plane (i32.add (local.get $plane) (i32.const 1)))
        (br $planesLoop))))
)
