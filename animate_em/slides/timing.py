"""When a slide's video plays: the slide's animation timeline (``p:timing``) in PowerPoint's own form.

python-pptx adds a video with a media node only, which PowerPoint reads as
"play when the video itself is clicked": a remote's next button then leaves
the slide instead of starting the video. Here the video also gets an entry
in the slide's main (click) sequence, a ``mediacall`` effect that calls
``playFrom(0.0)``, as PowerPoint writes it for Playback > Start:

- ``On Click`` (the scene deck): the first click, or the remote's next
  button, starts the video; the next one goes to the next slide.
- ``Automatically`` (the step deck): the entry starts when the slide's
  main sequence begins (``onBegin`` of the sequence), so the video plays as
  soon as the slide opens, and every next button is one step.

Schema: ECMA-376 part 1, 19.5 (Animation); the element order follows
``CT_SlideTiming`` and ``CT_TLTimeNodeSequence``.
"""
from __future__ import annotations

__all__ = ["media_timing_xml", "set_media_timing"]

_P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def media_timing_xml(shape_id: int, duration_ms: int, *, autoplay: bool) -> str:
    """The ``p:timing`` element of a slide whose one video (shape ``shape_id``) plays by click or by itself.

    Parameters
    ----------
    shape_id : int
        ``id`` of the video's ``p:cNvPr``.
    duration_ms : int
        Length of the video in milliseconds (the play command's duration).
    autoplay : bool
        True: the video starts when the slide opens; False: on the first click.
    """
    start = '<p:cond delay="indefinite"/>'
    if autoplay:
        # Begins with the main sequence (time node 2), i.e. when the slide is shown.
        start += '<p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond>'
    node_type = "afterEffect" if autoplay else "clickEffect"
    target = f'<p:tgtEl><p:spTgt spid="{int(shape_id)}"/></p:tgtEl>'
    return (
        f'<p:timing xmlns:p="{_P}"><p:tnLst><p:par>'
        '<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
        '<p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>'
        f'<p:par><p:cTn id="3" fill="hold"><p:stCondLst>{start}</p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="4" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold" '
        f'nodeType="{node_type}"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        f'<p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr><p:cTn id="6" dur="{max(1, int(duration_ms))}" '
        f'fill="hold"/>{target}</p:cBhvr></p:cmd>'
        '</p:childTnLst></p:cTn></p:par>'
        '</p:childTnLst></p:cTn></p:par>'
        '</p:childTnLst></p:cTn></p:par>'
        '</p:childTnLst></p:cTn>'
        '<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>'
        '<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>'
        '</p:seq>'
        '<p:video><p:cMediaNode vol="80000"><p:cTn id="7" fill="hold" display="0">'
        f'<p:stCondLst><p:cond delay="indefinite"/></p:stCondLst></p:cTn>{target}</p:cMediaNode></p:video>'
        '</p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>'
    )


def set_media_timing(slide, shape_id: int, duration_ms: int, *, autoplay: bool) -> None:
    """Replace ``slide``'s timing with :func:`media_timing_xml` (a python-pptx slide with one video)."""
    from pptx.oxml import parse_xml

    element = slide._element
    for old in element.findall(f"{{{_P}}}timing"):
        element.remove(old)
    timing = parse_xml(media_timing_xml(shape_id, duration_ms, autoplay=autoplay))
    # p:timing comes after p:cSld, p:clrMapOvr and p:transition, before p:extLst.
    following = element.find(f"{{{_P}}}extLst")
    if following is not None:
        following.addprevious(timing)
    else:
        element.append(timing)
