import Foundation
import Testing
@testable import LagesbildModel
@testable import LagesbildReport

/// SWEREF 99 TM against PROJ, and the shipped boundaries.
@Suite struct GeoTests {
    /// Expected values from PROJ 9 (pyproj 3.7, EPSG:4326 → EPSG:3006), to the millimetre.
    @Test(arguments: [
        (60.0, 15.0, 6_651_411.190, 500_000.000),
        (59.3293, 18.0686, 6_580_743.008, 674_571.866),
        (55.5, 11.0, 6_157_704.988, 247_391.140),
        (68.9, 24.1, 7_670_285.568, 864_459.447),
        (63.8, 16.5, 7_075_595.801, 573_887.061),
    ])
    func projectionAgreesWithPROJ(latitude: Double, longitude: Double, north: Double, east: Double) {
        let point = SWEREF99TM.project(latitude: latitude, longitude: longitude)
        #expect(abs(point.north - north) < 0.002 && abs(point.east - east) < 0.002, "\(point)")
    }

    @Test func everyMunicipalityHasABoundaryInItsCounty() {
        #expect(KommunBoundaries.all.count == 290)
        let jamtland = KommunBoundaries.inLan("23")
        #expect(jamtland.map(\.kod) == ["2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"])
        #expect(Set(KommunBoundaries.all.map(\.kod)) == Set(RegionRegister.kommuner.map(\.code)))
        // Strömsund lies north of Östersund, and every ring is closed and inside Sweden.
        let stromsund = jamtland.first { $0.kod == "2313" }!, ostersund = jamtland.first { $0.kod == "2380" }!
        #expect(stromsund.labelPoint.north > ostersund.labelPoint.north)
        for boundary in KommunBoundaries.all {
            for polygon in boundary.polygons {
                for ring in polygon.rings {
                    #expect(ring.first == ring.last && ring.count >= 4)
                    #expect(ring.allSatisfy { SWEREF99TM.swedenNorth.contains($0.north) && SWEREF99TM.swedenEast.contains($0.east) }, "\(boundary.kod)")
                }
            }
        }
    }
}

/// The map's classes: round widths from 0, at most four, the largest value in the last.
@Suite struct MapClassTests {
    @Test func classesAreRoundAndHoldTheLargestValue() {
        let classes = Maps.classes(for: [0, 12.3, 47.9, 83.2], decimals: 1)
        #expect(classes.map(\.label) == ["0,0–24,9", "25,0–49,9", "50,0–74,9", "75,0–99,9"])
        #expect([0, 12.3, 47.9, 83.2].map { Maps.classIndex(of: $0, in: classes) } == [0, 0, 1, 3])
        #expect(classes.map(\.fill) == ["#DEEBF7", "#9ECAE1", "#4292C6", "#08519C"])
        // 20 / 4 = 5 would need a fifth class for 20 itself: the width goes up to 10, three classes, the darkest three fills.
        let twenty = Maps.classes(for: [3, 20], decimals: 0)
        #expect(twenty.map(\.label) == ["0–9", "10–19", "20–29"] && Maps.classIndex(of: 20, in: twenty) == 2)
        #expect(twenty.map(\.fill) == ["#9ECAE1", "#4292C6", "#08519C"])
        // Width 2,5 where it fits.
        #expect(Maps.classes(for: [9.1], decimals: 1).map(\.label) == ["0,0–2,4", "2,5–4,9", "5,0–7,4", "7,5–9,9"])
        #expect(Maps.classes(for: [0], decimals: 1).count == 1)
    }
}
