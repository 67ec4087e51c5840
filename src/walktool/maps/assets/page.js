/*
 * walktool: what every walktool map page does, before and after Leaflet loads.
 *
 * - The no-internet notice: shown when a script or stylesheet of the page fails to load,
 *   when Leaflet is missing once the page has loaded, when the browser says it is offline,
 *   or when the basemap's tiles fail (more tiles failed than loaded).  The notice element is
 *   in the page's HTML (assets/notice.html) and needs no script library to show.
 * - The phone layout: small() says whether the screen is a phone's; popupOptions() sizes
 *   popups to the screen.
 *
 * This file runs first in the page's head: it must not use Leaflet at load time.
 */
(function () {
    'use strict';
    var root = document.documentElement;
    var smallScreen = window.matchMedia('(max-width: 700px), (max-height: 560px)');

    function showNotice(reason) {
        if (root.classList.contains('wt-notice-dismissed')) {
            return;
        }
        root.classList.add('wt-no-network');
        root.setAttribute('data-wt-notice', reason);
    }

    function dismiss() {
        root.classList.remove('wt-no-network');
        root.classList.add('wt-notice-dismissed');
    }

    // Popups are panned clear of the controls: the paddings are shared by every popup (Leaflet
    // keeps the arrays it is given) and measured from the controls by fitPopups().
    var padTopLeft = [60, 56];
    var padBottomRight = [20, 24];
    var padded = false;

    // the screen is known once the viewport meta is read (later in the head than this file)
    function initPadding() {
        if (!padded && smallScreen.matches) {
            padTopLeft.splice(0, 2, 6, 60);
            padBottomRight.splice(0, 2, 6, 40);
        }
        padded = true;
    }

    // a popup's width and height fitted to the screen: on a phone it spans the screen less a
    // margin (its content has 12 px of padding each side), below the search box
    function popupOptions(width, minWidth, height) {
        var small = smallScreen.matches;
        initPadding();
        var room = window.innerWidth - (small ? 44 : 120);
        return {
            maxWidth: Math.max(150, Math.min(width, room)),
            minWidth: Math.max(150, Math.min(minWidth, room)),
            maxHeight: Math.max(160, Math.min(height, Math.round(window.innerHeight * (small ? 0.6 : 0.7)))),
            autoPanPaddingTopLeft: padTopLeft,
            autoPanPaddingBottomRight: padBottomRight
        };
    }

    function edges(corner, side) {
        var out = null;
        var children = corner ? corner.children : [];
        for (var i = 0; i < children.length; i++) {
            var r = children[i].getBoundingClientRect();
            if (r.width > 0) {
                out = out === null ? r[side] : (side === 'left' ? Math.min(out, r[side]) : Math.max(out, r[side]));
            }
        }
        return out;
    }

    // below the first top-left control (the search box), left of the top-right ones (the layer
    // list) on a screen wide enough for both, below them on a phone
    function fitPopups(map) {
        var container = map.getContainer();
        function measure() {
            var small = smallScreen.matches;
            padded = true;
            var box = container.getBoundingClientRect();
            var topLeft = container.querySelector('.leaflet-top.leaflet-left');
            var topRight = container.querySelector('.leaflet-top.leaflet-right');
            var first = topLeft && topLeft.firstElementChild;
            var top = first ? first.getBoundingClientRect().bottom - box.top + 6 : 20;
            var rightBottom = edges(topRight, 'bottom');
            var rightLeft = edges(topRight, 'left');
            if (small && rightBottom !== null) {
                top = Math.max(top, rightBottom - box.top + 6);
            }
            padTopLeft[0] = small ? 6 : 60;
            padTopLeft[1] = Math.round(top);
            padBottomRight[0] = small || rightLeft === null ? 6 : Math.round(Math.max(20, box.right - rightLeft + 10));
            padBottomRight[1] = small ? 40 : 24;
        }
        if (!map.walktoolMeasure) {  // once per map: fitPopups() again only measures again
            map.walktoolMeasure = measure;
            window.addEventListener('resize', measure);
            map.on('overlayadd overlayremove', measure);
        }
        map.walktoolMeasure();
    }

    function watchTiles(layer) {
        var loaded = 0;
        var failed = 0;
        layer.on('tileload', function () {
            loaded += 1;
        });
        layer.on('tileerror', function () {
            failed += 1;
            if (failed > loaded) {
                showNotice('tiles');
            }
        });
    }

    window.walktoolPage = {
        small: function () {
            return smallScreen.matches;
        },
        showNotice: showNotice,
        dismiss: dismiss,
        popupOptions: popupOptions,
        fitPopups: fitPopups,
        watchTiles: watchTiles
    };

    // a <script> or stylesheet that cannot load (the CDN out of reach): error events do not
    // bubble, but the window sees them in the capture phase
    window.addEventListener('error', function (event) {
        var el = event.target;
        if (el && el !== window && (el.tagName === 'SCRIPT' || el.tagName === 'LINK')) {
            showNotice('scripts');
        }
    }, true);
    window.addEventListener('load', function () {
        if (typeof window.L === 'undefined') {
            showNotice('scripts');
        }
    });
    window.addEventListener('offline', function () {
        showNotice('offline');
    });
    if (navigator.onLine === false) {
        showNotice('offline');
    }
}());
