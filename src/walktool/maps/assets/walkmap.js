/*
 * walktool: the walk map in the browser (walktool.maps).
 *
 * The page carries the findings once, as compact rows, and their lookup tables
 * (window.walktool = walktoolMap.tables({...})); every text in the tables was HTML-escaped
 * by walktool, so this file only concatenates them.  A row is
 *   [lat, lon, severity, principle, period, label, zone, station, comment, photo, date,
 *    placed, answer]
 * of numbers and indexes into the tables (-1 = none).  On an archive-scale map
 * (walktool.maps.groups) a row is a group of findings: the same fields, then
 *   [counts by severity (last: unknown), rows of its most severe findings, heading index]
 * and its marker shows its number of findings, its popup the list (groupCard).
 *
 * Markers are made by the cluster's callback (marker), their popups when opened
 * (findingCard).  behaviour() wires the principle and day / night toggles of the layer
 * control to the clustered findings and the heat layer.
 *
 * Loaded in the page's head, before Leaflet: nothing here runs at load time.
 */
/* global L */
window.walktoolMap = (function () {
    'use strict';

    function tables(doc) {
        var W = doc;
        W.markers = [];
        W.iconCache = {};
        W.popup = window.walktoolPage.popupOptions(320, 220, 420);
        return W;
    }

    function icon(sev, pri) {
        var W = window.walktool;
        var key = sev + '_' + pri;
        if (!W.iconCache[key]) {
            var s = W.severities[sev];
            var p = W.principles[pri];
            var colour = s ? s.colour : '#777';
            var ink = sev >= 1 ? '' : ' wt-ink-dark';
            W.iconCache[key] = L.divIcon({
                html: '<div style="background:' + colour + '">' + (p ? p.icon : W.defaultIcon) + '</div>',
                className: 'wt-finding wt-sev-' + (s ? s.key : 'unknown') + ink,
                iconSize: [22, 22],
                iconAnchor: [0, 22],
                popupAnchor: [11, -20]
            });
        }
        return W.iconCache[key];
    }

    function fact(label, value) {
        return '<tr><th>' + label + '</th><td>' + value + '</td></tr>';
    }

    function findingCard(layer) {
        var W = window.walktool;
        var T = W.text;
        var r = layer.options.wtRow;
        var s = W.severities[r[2]];
        var p = W.principles[r[3]];
        var label = r[5] >= 0 ? W.labels[r[5]] : (p ? p.label : '');
        var html = '<div class="wt-card wt-finding-card"><h4><span class="wt-icon" style="background:'
            + (s ? s.colour : '#777') + '">' + (p ? p.icon : W.defaultIcon) + '</span> ' + label + '</h4>';
        if (p) {
            html += '<p class="wt-principle">' + p.label + '</p>';
        }
        html += '<table class="wt-facts">';
        if (r[12] >= 0) {
            html += fact(T.answer, '<b>' + W.answers[r[12]] + '</b>');
        }
        html += fact(T.severity, s ? s.label : '—');
        html += fact(T.station, r[7] >= 0 ? W.stations[r[7]] : '—');
        html += fact(T.zone, r[6] >= 0 ? W.zones[r[6]] : '—');
        html += fact(T.period, r[4] >= 0 ? W.periods[r[4]] : '—');
        if (r[10] >= 0) {
            html += fact(T.date, W.dates[r[10]]);
        }
        html += '</table>';
        if (r[8] >= 0) {
            html += '<p class="wt-comment"><span class="wt-comment-label">' + T.comment + '</span>' + W.comments[r[8]] + '</p>';
        }
        if (r[9] >= 0) {
            html += '<p class="wt-photo">' + W.photos[r[9]] + '</p>';
        }
        if (r[11] === 1) {
            html += '<p class="wt-note">' + T.placed_station + '</p>';
        }
        if (r[11] === 2) {
            html += '<p class="wt-note">' + T.placed_entrance + '</p>';
        }
        return html + '</div>';
    }

    // how many findings a row stands for: 1, or a group's count
    function size(row) {
        if (row.length <= 13) {
            return 1;
        }
        var n = 0;
        for (var k = 0; k < row[13].length; k++) {
            n += row[13][k];
        }
        return n;
    }

    function groupIcon(row) {
        var base = icon(row[2], row[3]).options;
        return L.divIcon({
            html: base.html + '<span class="wt-group-n">' + size(row) + '</span>',
            className: base.className + ' wt-group',
            iconSize: base.iconSize,
            iconAnchor: base.iconAnchor,
            popupAnchor: base.popupAnchor
        });
    }

    // a group's popup: its place, its counts by severity (most severe first), its most severe findings
    function groupCard(layer) {
        var W = window.walktool;
        var T = W.text;
        var r = layer.options.wtRow;
        var s = W.severities[r[2]];
        var p = W.principles[r[3]];
        var html = '<div class="wt-card wt-finding-card wt-group-card"><h4><span class="wt-icon" style="background:'
            + (s ? s.colour : '#777') + '">' + (p ? p.icon : W.defaultIcon) + '</span> ' + (p ? p.label : '') + '</h4>';
        html += '<table class="wt-facts">';
        html += fact(T.station, r[7] >= 0 ? W.stations[r[7]] : '—');
        html += fact(T.zone, r[6] >= 0 ? W.zones[r[6]] : '—');
        html += fact(T.period, r[4] >= 0 ? W.periods[r[4]] : '—');
        html += '</table><p class="wt-counts">';
        var counts = r[13];
        var parts = [];
        for (var k = counts.length - 1; k >= 0; k--) {
            if (counts[k]) {
                var sk = W.severities[k];
                parts.push('<span class="wt-dot" style="background:' + (sk ? sk.colour : '#777') + '"></span>'
                    + (sk ? sk.label : '—') + ' ' + counts[k]);
            }
        }
        html += parts.join(' · ') + '</p><p class="wt-note">' + W.groupTitles[r[15]] + '</p><ol class="wt-group-list">';
        for (var i = 0; i < r[14].length; i++) {
            var m = r[14][i];
            var ms = W.severities[m[2]];
            var mp = W.principles[m[3]];
            html += '<li><span class="wt-dot" style="background:' + (ms ? ms.colour : '#777') + '"></span><b>'
                + (ms ? ms.label : '—') + '</b> · ' + (m[5] >= 0 ? W.labels[m[5]] : (mp ? mp.label : ''));
            if (m[12] >= 0) {
                html += ' · ' + W.answers[m[12]];
            }
            if (m[10] >= 0) {
                html += ' · ' + W.dates[m[10]];
            }
            if (m[8] >= 0) {
                html += '<br><span class="wt-comment">' + W.comments[m[8]] + '</span>';
            }
            if (m[9] >= 0) {
                html += '<br>' + W.photos[m[9]];
            }
            html += '</li>';
        }
        return html + '</ol></div>';
    }

    function marker(row) {
        var W = window.walktool;
        var group = row.length > 13;
        var m = L.marker(new L.LatLng(row[0], row[1]), {icon: group ? groupIcon(row) : icon(row[2], row[3]), keyboard: false, wtRow: row});
        m.bindPopup(group ? groupCard : findingCard, W.popup);
        W.markers.push(m);
        return m;
    }

    // a ring of severity shares (critical first, clockwise) around the number of findings
    function clusterIcon(cluster) {
        var W = window.walktool;
        var children = cluster.getAllChildMarkers();
        var counts = [];
        var other = 0;
        var k;
        for (k = 0; k < W.severities.length; k++) {
            counts.push(0);
        }
        for (var i = 0; i < children.length; i++) {
            var row = children[i].options.wtRow;
            if (row.length > 13) {  // a group: its counts by severity, the last unknown
                for (k = 0; k < counts.length; k++) {
                    counts[k] += row[13][k];
                }
                other += row[13][counts.length];
                continue;
            }
            var s = row[2];
            if (s >= 0) {
                counts[s]++;
            } else {
                other++;
            }
        }
        var n = other;
        for (k = 0; k < counts.length; k++) {
            n += counts[k];
        }
        var done = 0;
        var stops = [];
        var title = [];
        for (k = counts.length - 1; k >= 0; k--) {
            if (!counts[k]) {
                continue;
            }
            stops.push(W.severities[k].colour + ' ' + (done / n * 360).toFixed(1) + 'deg '
                + ((done + counts[k]) / n * 360).toFixed(1) + 'deg');
            title.push(W.severities[k].label + ' ' + counts[k]);
            done += counts[k];
        }
        if (other) {
            stops.push('#777 ' + (done / n * 360).toFixed(1) + 'deg 360deg');
        }
        var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
        // a badge up and to the right of the place, so the station circle under it stays readable
        return L.divIcon({
            html: '<div title="' + title.join(' · ') + '" style="background:conic-gradient(' + stops.join(',')
                + ')"><span>' + n + '</span></div>',
            className: 'wt-cluster',
            iconSize: L.point(size, size),
            iconAnchor: L.point(-3, size + 3)
        });
    }

    // a scored station: its card as popup, its name and score as a permanent label
    function stationFeature(feature, layer) {
        var props = feature.properties;
        if (!props.popup) {
            return;
        }
        layer.bindPopup(props.popup, window.walktoolPage.popupOptions(380, 260, 420));
        layer.bindTooltip(props.label, {
            permanent: true,
            direction: 'left',
            className: 'wt-label',
            offset: [-(props.style.radius || 8), 0]
        });
    }

    function dotFeature(feature, layer) {
        layer.bindTooltip(feature.properties.tooltip);
    }

    // the legend: a <details> box, open on a screen that has room for it, folded on a phone
    function legend(map, html) {
        var control = L.control({position: 'bottomleft'});
        control.onAdd = function () {
            var div = L.DomUtil.create('div', 'wt-legend-control leaflet-control');
            div.innerHTML = html;
            var box = div.querySelector('details');
            if (box && window.walktoolPage.small()) {
                box.open = false;
            }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        control.addTo(map);
        return control;
    }

    // a row's weight in the heat layer: its severity's, or the sum of a group's
    function weight(r) {
        var W = window.walktool;
        if (r.length <= 13) {
            return r[2] >= 0 ? W.weights[r[2]] : 1;
        }
        var w = r[13][W.weights.length];
        for (var k = 0; k < W.weights.length; k++) {
            w += r[13][k] * W.weights[k];
        }
        return w;
    }

    function behaviour(o) {
        var W = window.walktool;
        var map = o.map;
        var cluster = o.cluster;
        var heat = o.heat;
        var principles = o.principles;
        var periods = o.periods;
        var stations = o.stationLayer;
        W.map = map;
        W.cluster = cluster;
        W.heat = heat;
        W.stationCount = o.stations;
        W.findingCount = W.markers.reduce(function (n, m) {
            return n + size(m.options.wtRow);
        }, 0);
        W.markers.forEach(function (m) {
            m._wtShown = true;
        });
        W.refresh = function () {
            var pOn = principles.map(function (l) {
                return map.hasLayer(l);
            });
            var tOn = periods.map(function (l) {
                return map.hasLayer(l);
            });
            var add = [];
            var remove = [];
            var points = [];
            var shown = [];
            var found = 0;
            for (var i = 0; i < W.markers.length; i++) {
                var m = W.markers[i];
                var r = m.options.wtRow;
                var visible = (r[3] < 0 || pOn[r[3]]) && (r[4] < 0 || tOn[r[4]]);
                if (visible) {
                    points.push([r[0], r[1], weight(r)]);
                    shown.push(m);
                    found += size(r);
                }
                if (visible !== m._wtShown) {
                    (visible ? add : remove).push(m);
                    m._wtShown = visible;
                }
            }
            if (remove.length > shown.length) {
                cluster.clearLayers();
                cluster.addLayers(shown);
            } else {
                if (remove.length) {
                    cluster.removeLayers(remove);
                }
                if (add.length) {
                    cluster.addLayers(add);
                }
            }
            heat.setLatLngs(points);
            W.visibleCount = found;
        };
        W.openFinding = function (i, done) {
            var m = W.markers[i];
            cluster.zoomToShowLayer(m, function () {
                m.openPopup();
                if (done) {
                    done();
                }
            });
        };
        // scored stations stay above the lines and entrances
        var front = function () {
            if (map.hasLayer(stations)) {
                stations.bringToFront();
            }
        };
        map.on('overlayadd', front);
        front();
        map.on('overlayadd overlayremove', function (e) {
            if (principles.indexOf(e.layer) >= 0 || periods.indexOf(e.layer) >= 0) {
                W.refresh();
            }
        });
        window.walktoolPage.fitPopups(map);
        W.refresh();
        W.ready = true;
    }

    return {
        tables: tables,
        icon: icon,
        findingCard: findingCard,
        groupCard: groupCard,
        marker: marker,
        clusterIcon: clusterIcon,
        stationFeature: stationFeature,
        dotFeature: dotFeature,
        legend: legend,
        behaviour: behaviour
    };
}());
